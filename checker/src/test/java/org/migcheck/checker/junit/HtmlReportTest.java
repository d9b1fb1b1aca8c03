package org.migcheck.checker.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.trace.HtmlRenderer;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.properties.KernelRules;

class HtmlReportTest {

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void deadlockReportHasOneLanePerThreadAStepPerRowAndTheEndState() {
        ScenarioRunner.Outcome o = ScenarioRunner.run(Catalogue.find("abba"), "default", Map.of(), KernelRules.all(), Options.defaults());
        String html = HtmlRenderer.render(o);
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("<th>t1</th><th>t2</th><th>changes</th>"), html);
        // header row, the 2 steps of the shortest deadlock, and the end-state row
        assertEquals(4, count(html, "<tr>"));
        assertEquals(2, count(html, "<td class=\"blocked\">"));
        assertTrue(html.contains("waits for B held by t2"), html);
        assertTrue(html.contains("cycle: t1 -&gt; B -&gt; t2 -&gt; A -&gt; t1"), "arrows are escaped");
        assertFalse(html.contains("-> t1"), "no raw markup characters from model text");
        assertTrue(html.contains("./migcheck replay abba:default:-:0.1"));
    }

    /**
     * The page has what the text report has (a user review found it missing): a lane for a thread that
     * never moved, so that the end row says where every thread rests; a holding check's notes, unreached
     * steps and shortest goal witnesses.
     */
    @Test
    void thePageCarriesWhatTheTextReportDoes() {
        // bdev-jbd2's cancel-revoke-migrate breaks a rule before its migrator takes a step
        ScenarioRunner.Outcome o = ScenarioRunner.run(Catalogue.find("bdev-jbd2"), "cancel-revoke-migrate", Map.of(), KernelRules.all(),
                Options.defaults());
        String html = HtmlRenderer.render(o);
        assertTrue(html.contains("<th>migrator</th>"), html);
        assertTrue(html.contains("<td>next: isolate_migratepages_block(F)</td>"), html);
        // the call paths --call-stacks prints, under a check box that shows them (no script): mkdir's two lookups of
        // bh0 read apart by their callers, a path printed where it changes from the thread's previous step, as in text
        assertTrue(html.contains("<input type=\"checkbox\" class=\"paths\" id=\"paths-trace\"><label class=\"paths\" for=\"paths-trace\">"), html);
        assertTrue(html.contains("input.paths:checked+label+table .path{display:block}"), html);
        java.util.List<String> paths = new java.util.ArrayList<>();
        java.util.regex.Matcher pm = java.util.regex.Pattern.compile("<div class=\"path\">in ([^<]*)</div>").matcher(html);
        while (pm.find()) {
            paths.add(pm.group(1).replace("&lt;", "<"));
        }
        assertEquals(java.util.List.of(
                "__find_get_block_nonatomic <- sb_getblk <- mkdir",
                "__find_get_block_slow <- __find_get_block_nonatomic <- sb_getblk <- mkdir",
                "__find_get_block_nonatomic <- sb_getblk <- mkdir",
                "mkdir",
                "__find_get_block_nonatomic <- jbd2_journal_cancel_revoke <- mkdir",
                "__find_get_block_slow <- __find_get_block_nonatomic <- jbd2_journal_cancel_revoke <- mkdir"), paths);
        assertFalse(html.contains("<script"), "no script");
        ScenarioRunner.Outcome holds = ScenarioRunner.run(Catalogue.find("truncate-writeback"), "kernel", Map.of(), KernelRules.all(),
                Options.defaults());
        String page = HtmlRenderer.render(holds);
        assertTrue(page.contains("<h2>shortest witness of reachable(truncated)</h2>"), page);
        // each witness's table has a check box of its own (a label names one box)
        assertEquals(1, count(page, "id=\"paths-goal1\""));
        assertEquals(1, count(page, "id=\"paths-goal2\""));
        assertTrue(page.contains("<li>unreached in this variant ("), page);
        ScenarioRunner.Outcome noted = ScenarioRunner.run(Catalogue.find("abba-ordered"), "default", Map.of(),
                KernelRules.all().selected(java.util.List.of("atomic.sleep")), Options.defaults());
        assertTrue(HtmlRenderer.render(noted).contains("<li class=\"note\">note: " + ScenarioRunner.RULE_SELECTION_NOTE),
                HtmlRenderer.render(noted));
    }

    @Test
    void aHoldsThatReachedAModelBoundSaysSoInHtmlToo() {
        // movable-ops' kernel variant ends a compaction batch at the model's one pass (see BoundSensitivityTest)
        ScenarioRunner.Outcome o = ScenarioRunner.run(Catalogue.find("movable-ops"), "merged", Map.of(), KernelRules.all(), Options.defaults());
        String html = HtmlRenderer.render(o);
        assertTrue(html.contains("<li>bound saturated: migrate_pages_batch passes (limit 1) in migrate_pages_batch/"), html);
        assertTrue(html.contains("this HOLDS depends on the bounds above (not a kernel fact)"), html);
        assertTrue(html.contains("--bounds +9 lets every loop above run as far as the kernel's"), html);
        ScenarioRunner.Outcome abba = ScenarioRunner.run(Catalogue.find("abba-ordered"), "default", Map.of(), KernelRules.all(), Options.defaults());
        assertFalse(HtmlRenderer.render(abba).contains("bound saturated"));
    }

    @Test
    void lockCycleReportShowsBothAcquisitionPaths() {
        ScenarioRunner.Outcome o = ScenarioRunner.run(Catalogue.find("abba-gated"), "default", Map.of(), KernelRules.all(), Options.defaults());
        String html = HtmlRenderer.render(o);
        assertEquals(2, count(html, "<h2>"));
        // abba-gated's threads take their steps in their own bodies: no path to show, no check box that would show none
        assertEquals(0, count(html, "class=\"paths\""));
        assertTrue(html.contains("t1 takes B while holding A"), html);
        assertTrue(html.contains("t2 takes A while holding B"), html);
    }

    @Test
    void aBrokenRuleNamesItsStepWithTheKernelPathAndTheReductionsRun() {
        ScenarioRunner.Outcome o = ScenarioRunner.run(Catalogue.find("bdev-jbd2"), "no-refcount-check", Map.of(), KernelRules.all(),
                Options.defaults());
        String html = HtmlRenderer.render(o);
        int steps = o.result().schedule().length;
        // the text report's "^ rule breaks at step N" and its "in:" line, linked to the marked row
        assertTrue(html.contains("<li>folio.free-busy breaks at <a href=\"#failing-step\">step " + steps + "</a> (migrator: "), html);
        assertTrue(html.contains(", in: migrate_folio_move &lt;- migrate_pages_batch &lt;-"), html);
        assertEquals(1, count(html, "id=\"failing-step\""));
        // the marked row says so in words too, for a reader who does not see its colour: in that row, and only there
        int row = html.indexOf("id=\"failing-step\"");
        assertEquals(row, html.lastIndexOf("<tr", html.indexOf("<span class=\"vh\"> (the failing step)</span>")) + "<tr class=\"failing\" ".length(),
                html);
        assertEquals(1, count(html, "(the failing step)"));
        // every step taken inside a call carries its path as a tooltip; the migrator's first step is inside migrate_pages
        assertTrue(html.contains(" title=\"in: "), html);
        assertTrue(html.contains("<p class=\"reductions\">reductions: " + o.result().reductions().replace("<", "&lt;")), html);
    }

    @Test
    void waitForLabelsAreWrappedNotCut() {
        // a reviewer's figure showed "waits for OOM victim writer to exit or be reaped (MMF_OOM_SKIP); until then oom_evaluat..."
        String label = "waits for OOM victim writer to exit or be reaped (MMF_OOM_SKIP); until then oom_evaluate_task aborts every selection";
        java.util.List<String> lines = HtmlRenderer.wrapLabel(label);
        assertEquals(label, String.join(" ", lines));
        assertTrue(lines.size() > 1 && lines.stream().allMatch(l -> l.length() <= 60), lines.toString());
        String huge = "word ".repeat(100).strip();
        java.util.List<String> cut = HtmlRenderer.wrapLabel(huge);
        assertEquals(3, cut.size(), cut.toString());
        assertTrue(cut.get(2).endsWith(" ...") && cut.stream().allMatch(l -> l.length() <= 60), cut.toString());
        String html = HtmlRenderer.render(ScenarioRunner.run(Catalogue.find("source-locked-alloc"), "oom-batch-no-reaper", Map.of(),
                KernelRules.all(), Options.defaults()));
        assertTrue(html.contains("<tspan"), "the wait-for figure's labels are tspans");
        assertFalse(html.contains("oom_evaluat..."), "a label cut inside a word");
    }
}
