package org.migcheck.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.cli.Main;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.model.scenarios.Variant;

/**
 * The project's documentation refers only to files inside the repository: every repository path that
 * README.md, a page under docs/, or the output of {@code migcheck list} names exists, every kernel
 * scenario has its page under docs/scenarios/, and every kernel variant's description starts with its
 * kind (shipped vX.Y, proposal (year), hypothetical, mutation).
 */
class DocsReferencesTest {

    /** Top directories of the kernel tree: paths under them are kernel sources, not repository files. */
    private static final Set<String> KERNEL_DIRS = Set.of("mm", "fs", "include", "kernel", "block", "Documentation",
            "init", "drivers", "lib", "arch", "net", "tools", "scripts", "security", "virt", "ipc", "sound", "crypto");

    /** A path with a repository file extension (a/b/c.java), or a bare Markdown file name (DESIGN.md). */
    private static final Pattern PATH = Pattern.compile(
            "(?<![\\w/.<-])((?:\\.?[\\w-]+/)+[\\w.-]+\\.(?:md|java|txt|json|xml|html|sh|yml|yaml|properties)|[\\w.-]+\\.md)(?![\\w/>])");

    /** A Markdown link target. */
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s#]+)(?:#[^)]*)?\\)");

    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !(Files.exists(p.resolve("README.md")) && Files.isDirectory(p.resolve("ci")))) {
            p = p.getParent();
        }
        assertNotNull(p, "repository root (README.md next to ci/) not found above " + Path.of("").toAbsolutePath());
        return p;
    }

    /** The repository paths {@code text} names that do not exist; {@code dir} resolves relative links and bare names. */
    static List<String> missing(Path root, Path dir, String where, String text) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = PATH.matcher(text);
        while (m.find()) {
            String p = m.group(1);
            if (KERNEL_DIRS.contains(p.split("/")[0]) || p.startsWith("target/") || p.contains("/target/")) {
                continue; // a kernel source, or a file the build writes
            }
            boolean bare = !p.contains("/");
            if (!Files.exists(root.resolve(p)) && !(bare && Files.exists(dir.resolve(p)))) {
                out.add(where + ": " + p);
            }
        }
        Matcher l = LINK.matcher(text);
        while (l.find()) {
            String target = l.group(1);
            if (target.startsWith("http://") || target.startsWith("https://") || target.startsWith("mailto:")) {
                continue;
            }
            if (!Files.exists(dir.resolve(target).normalize())) {
                out.add(where + ": link " + target);
            }
        }
        return new ArrayList<>(out);
    }

    static String list() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"list"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void readmeDocsAndListNameOnlyFilesThatExist() throws IOException {
        Path root = root();
        List<String> missing = new ArrayList<>();
        missing.addAll(missing(root, root, "README.md", Files.readString(root.resolve("README.md"))));
        List<Path> docs;
        try (Stream<Path> s = Files.walk(root.resolve("docs"))) {
            docs = s.filter(p -> p.toString().endsWith(".md")).sorted().toList();
        }
        assertFalse(docs.isEmpty(), "no pages under docs/");
        for (Path d : docs) {
            missing.addAll(missing(root, d.getParent(), root.relativize(d).toString(), Files.readString(d)));
        }
        missing.addAll(missing(root, root, "migcheck list", list()));
        assertEquals(List.of(), missing, "names of files that are not in the repository");
    }

    /** The checker itself: a name of a file outside the repository is reported, a kernel path is not. */
    @Test
    void theCheckFindsAMissingFileAndIgnoresKernelPaths() {
        Path root = root();
        assertEquals(List.of("t: SCENARIOS.md", "t: docs/nosuch.md", "t: link ../nosuch.md"),
                missing(root, root.resolve("docs"), "t",
                        "see SCENARIOS.md 5, docs/nosuch.md, [x](../nosuch.md) and mm/vmscan.c, fs/fuse/file.c, "
                                + "Documentation/filesystems/locking.rst; README.md and [r](../README.md) exist"));
    }

    @Test
    void everyKernelScenarioHasItsPageAndListRefersToIt() {
        Path root = root();
        String list = list();
        for (Scenario s : Catalogue.kernel()) {
            String page = "docs/scenarios/" + s.id() + ".md";
            assertTrue(Files.exists(root.resolve(page)), page + " is missing");
            assertTrue(s.reference().contains(page), s.id() + "'s reference does not name its page: " + s.reference());
            assertTrue(list.contains(page), "list does not name " + page);
        }
    }

    @Test
    void everyKernelVariantStartsWithItsKind() {
        List<String> unlabelled = new ArrayList<>();
        for (Scenario s : Catalogue.kernel()) {
            for (Variant v : s.variants()) {
                if (v.kind() == null) {
                    unlabelled.add(s.id() + "/" + v.name() + ": " + v.doc());
                }
            }
        }
        assertEquals(List.of(), unlabelled, "descriptions that do not start with shipped vX.Y, proposal (year), "
                + "hypothetical or mutation");
        String list = list();
        assertTrue(list.contains("kind shipped"), list);
        assertTrue(list.contains("kind hypothetical"), list);
        assertTrue(list.contains("kind mutation"), list);
    }

    /**
     * README's table of kernel rules names exactly the rules {@code KernelRules.list()} checks, in that
     * order, then the lockdep cycle; the built-in lock held at exit is named in the text after it.
     */
    @Test
    void readmeListsEveryKernelRuleInOrder() throws IOException {
        String readme = Files.readString(root().resolve("README.md"));
        int at = readme.indexOf("The kernel rules today");
        assertTrue(at >= 0, "README.md has no table of kernel rules");
        List<String> documented = new ArrayList<>();
        Matcher row = Pattern.compile("^\\| `([\\w.-]+)` \\| (.*) \\| (.*) \\|$", Pattern.MULTILINE).matcher(readme);
        int end = readme.indexOf("\n\n", readme.indexOf("\n|", at));
        row.region(at, end);
        while (row.find()) {
            documented.add(row.group(1));
            // the statement and source that list and every report print (a reviewer found paraphrases that had drifted)
            org.migcheck.checker.trace.RuleInfo info = org.migcheck.checker.trace.RuleInfo.of(row.group(1));
            assertEquals(info.statement(), row.group(2), row.group(1));
            assertEquals(info.kernelRef(), row.group(3), row.group(1));
        }
        List<String> expected = new ArrayList<>();
        for (org.migcheck.properties.Rule r : org.migcheck.properties.KernelRules.list()) {
            expected.add(r.id());
        }
        expected.add(org.migcheck.properties.RuleSet.LOCK_CYCLE);
        assertEquals(expected, documented, "README.md's kernel-rule table against KernelRules.list()");
        // the built-in lock.exit-held is not a rule --rule takes (a review found it in the table): named after it
        org.migcheck.checker.trace.RuleInfo exit = org.migcheck.checker.trace.RuleInfo.of("lock.exit-held");
        int builtIn = readme.indexOf("Built in besides", end);
        assertTrue(builtIn >= 0 && builtIn - end < 400, "README.md names the built-in checks after the table");
        String after = readme.substring(builtIn, readme.indexOf("\n\n", builtIn)).replace('\n', ' ');
        assertTrue(after.contains("`lock.exit-held` (" + exit.statement() + ";"), after);
    }

    @Test
    void kindsParse() {
        assertEquals(Variant.KindType.SHIPPED, Variant.kindOf("shipped v6.16 (to v6.19): x").type());
        assertEquals("shipped v6.16-v6.19", Variant.kindOf("shipped v6.16-v6.19, open question").label());
        assertEquals("shipped v2.6.38", Variant.kindOf("shipped v2.6.38: x").label());
        assertEquals("shipped v7.1 (unverified)", Variant.kindOf("shipped v7.1 (unverified): by its changelog").label());
        assertTrue(Variant.kindOf("shipped v7.1 (unverified): x").unverified());
        assertEquals("shipped v6.19 (unverified)", Variant.kindOf("shipped v6.19 (unverified: from a changelog), with x").label());
        assertEquals("shipped v6.19 (unverified)",
                org.migcheck.model.scenarios.Catalogue.find("source-locked-alloc").variant("readahead-nofs-scope").kind().label());
        assertFalse(Variant.kindOf("shipped v6.19 (v6.15 to v7.0): x").unverified());
        assertEquals("shipped v6.19", Variant.kindOf("shipped v6.19 (v6.15 to v7.0): x").label());
        assertEquals(Variant.KindType.PROPOSAL, Variant.kindOf("proposal (2020): defer").type());
        assertEquals(Variant.KindType.HYPOTHETICAL, Variant.kindOf("hypothetical (never shipped)").type());
        assertEquals(Variant.KindType.MUTATION, Variant.kindOf("mutation: x").type());
        assertEquals(null, Variant.kindOf("v6.19 order"));
        assertEquals(null, Variant.kindOf("shipped 6.19"));
        assertEquals(null, Variant.kindOf("proposal 2020"));
        assertEquals(null, Variant.kindOf("hypotheticals"));
    }

    /**
     * README's "Read the violation" block is what {@code Migcheck.check(model, rules).report()} prints for the guide's
     * model now (times and rates aside): a reviewer found it showing a change the model no longer makes and without
     * the lines the report has since gained.
     */
    @Test
    void readmesViolationReportIsTheCurrentOutput() throws IOException {
        String readme = Files.readString(root().resolve("README.md"));
        int at = readme.indexOf("**3. Read the violation.**");
        int from = readme.indexOf("```\n", at) + 4;
        String shown = readme.substring(from, readme.indexOf("```", from));
        String report = org.migcheck.checker.junit.Migcheck.check(org.migcheck.ci.example.TruncateExample.build(false),
                org.migcheck.properties.RuleSet.of(List.of(org.migcheck.ci.example.WritebackInCacheRule.WRITEBACK_IN_CACHE), false)).report();
        assertEquals(withoutTimes(report), withoutTimes(shown));
    }

    private static String withoutTimes(String report) {
        return report.replaceAll("\\d+\\.\\d+ s\\b", "T s").replaceAll("\\d+ states/s", "R states/s");
    }
}
