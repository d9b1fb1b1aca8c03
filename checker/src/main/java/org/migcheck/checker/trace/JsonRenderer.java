package org.migcheck.checker.trace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Mutations;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.WaitFor;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Semantics;

/**
 * The same content as the text report, as JSON for tools: versioned ({@link #SCHEMA_VERSION}),
 * described by {@code docs/report.schema.json}, structured (blocked threads, the cycle, the changes
 * of each step are fields, not prose), every key present ({@code null} when it does not apply).
 */
public final class JsonRenderer {
    /** Version of {@code docs/report.schema.json}; raised on every incompatible change. */
    public static final int SCHEMA_VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonRenderer() {}

    /** One check: a report document. */
    public static String render(ScenarioRunner.Outcome o) {
        return render(o, null);
    }

    /** One check with the re-check at raised bounds ({@code check --bounds +K}), or null. */
    public static String render(ScenarioRunner.Outcome o, org.migcheck.checker.run.BoundSensitivity sens) {
        return render(o, sens, sens == null || sens.raised().isEmpty() ? null : o.atBounds(sens.k(), sens.result()));
    }

    /**
     * As {@link #render(ScenarioRunner.Outcome, org.migcheck.checker.run.BoundSensitivity)}, with {@code again}, the
     * re-check as an outcome (null when the model has no bounds to raise: then no trace or replay of its own).
     */
    public static String render(ScenarioRunner.Outcome o, org.migcheck.checker.run.BoundSensitivity sens, ScenarioRunner.Outcome again) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("schemaVersion", SCHEMA_VERSION);
        root.put("kind", "check");
        root.putAll(report(o));
        root.put("bounds", sens == null ? null : bounds(sens, again));
        return write(root);
    }

    private static Map<String, Object> bounds(org.migcheck.checker.run.BoundSensitivity sens, ScenarioRunner.Outcome again) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("raisedBy", sens.k());
        b.put("raised", sens.raised());
        b.put("verdict", sens.result().verdict().lower());
        b.put("rule", sens.result().ruleId());
        b.put("message", sens.result().message());
        b.put("changed", sens.changed());
        // model bounds still reached at the raised limits (HOLDS only): empty means the verdict no longer depends on them
        b.put("saturated", sens.result().verdict() == org.migcheck.checker.run.Verdict.HOLDS && !sens.raised().isEmpty()
                ? saturations(sens.result().saturated()) : null);
        boolean rechecked = again != null && sens.result().schedule().length > 0;
        b.put("trace", rechecked ? rows(sens.result().trace()) : null);
        // the re-check's own token (it ends in :+K); null when it holds or there was nothing to raise
        b.put("replay", rechecked ? again.replayArgs() : null);
        return b;
    }

    /**
     * An expectation as an object (the schema's $defs/expectation), for a program that would otherwise parse
     * {@link org.migcheck.model.scenarios.Expect#describe()}'s words: the verdict, the rule (violated only) and each goal's
     * expected reachability.
     */
    static Map<String, Object> expectation(org.migcheck.model.scenarios.Expect e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("verdict", e.kind().name().toLowerCase(java.util.Locale.ROOT));
        m.put("rule", e.ruleId());
        m.put("goals", new LinkedHashMap<>(e.goals()));
        return m;
    }

    /** Saturated model bounds as objects (the schema's $defs/saturation). */
    private static List<Map<String, Object>> saturations(List<CheckResult.Saturation> list) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (CheckResult.Saturation b : list) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("bound", b.bound());
            m.put("procedure", b.procedure());
            m.put("limit", b.limit());
            m.put("states", b.states());
            m.put("simplification", b.simplification());
            out.add(m);
        }
        return out;
    }

    /** Several checks ({@code kind} "catalogue" or "suite"): a collection document. */
    public static String renderAll(String kind, List<ScenarioRunner.Outcome> outcomes) {
        return write(all(kind, outcomes));
    }

    /**
     * {@code suite --format json}: as {@link #renderAll}, with the combinations the suite left out, each
     * with its knob settings, the knob that does not apply there, the condition of it that fails there
     * ({@code onlyWith}) and all its conditions ({@code onlyWithAll}).
     */
    public static String renderSuite(List<ScenarioRunner.Outcome> outcomes, org.migcheck.model.scenarios.Scenario scenario,
                                     Map<Map<String, String>, org.migcheck.model.scenarios.Knob> leftOut) {
        Map<String, Object> root = all("suite", outcomes);
        List<Map<String, Object>> out = new ArrayList<>();
        leftOut.forEach((settings, k) -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("knobs", new LinkedHashMap<>(settings));
            e.put("knob", k.name());
            putConditions(e, k, k.unmet(org.migcheck.model.scenarios.Knobs.resolveAll(scenario.id(), scenario.knobs(), settings).asMap()));
            out.add(e);
        });
        root.put("leftOut", out);
        return write(root);
    }

    /**
     * A knob's conditions: {@code onlyWith}, {@code shown} (schema version 1 first described one
     * condition; kept for its readers) or null, and {@code onlyWithAll}, every one (all must hold;
     * empty when the knob applies everywhere).
     */
    private static void putConditions(Map<String, Object> into, org.migcheck.model.scenarios.Knob k,
                                      org.migcheck.model.scenarios.Knob.Condition shown) {
        into.put("onlyWith", shown == null ? null : condition(shown));
        into.put("onlyWithAll", k.conditions().stream().map(JsonRenderer::condition).toList());
    }

    private static Map<String, Object> condition(org.migcheck.model.scenarios.Knob.Condition c) {
        Map<String, Object> only = new LinkedHashMap<>();
        only.put("knob", c.knob());
        only.put("values", c.values());
        return only;
    }

    private static Map<String, Object> all(String kind, List<ScenarioRunner.Outcome> outcomes) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("schemaVersion", SCHEMA_VERSION);
        root.put("kind", kind);
        long bad = outcomes.stream().filter(o -> !o.matches()).count();
        root.put("passed", outcomes.size() - bad);
        root.put("failed", bad);
        root.put("reports", outcomes.stream().map(JsonRenderer::report).toList());
        return root;
    }

    /** {@code mutate --format json}: the base variant, one entry per mutant, and the declared survivors that no longer survive ({@code stale}). */
    public static String renderMutants(ScenarioRunner.Outcome base, List<Mutations.Mutant> mutants, List<String> stale) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("schemaVersion", SCHEMA_VERSION);
        root.put("kind", "mutate");
        root.put("scenario", base.scenario().id());
        root.put("variant", base.variant());
        List<Map<String, Object>> ms = new ArrayList<>();
        for (Mutations.Mutant m : mutants) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("id", m.id());
            e.put("kind", m.kind().word());
            e.put("step", m.step());
            e.put("pc", m.pc());
            e.put("fate", m.fate().name().toLowerCase(java.util.Locale.ROOT));
            // an unreached mutant was not checked: it has no verdict of its own (its result is the original's)
            boolean unreached = m.fate() == Mutations.Fate.UNREACHED;
            e.put("verdict", unreached ? null : m.result().verdict().lower());
            e.put("rule", unreached ? null : m.result().ruleId());
            e.put("message", m.fate() == Mutations.Fate.UNREACHED ? m.outcome() : m.result().message());
            e.put("outcome", m.outcome());
            e.put("explanation", m.explanation());
            e.put("unexplained", m.unexplained());
            // replay's arguments for a mutant whose check failed ("--mutant 'ID' TOKEN"), else null
            e.put("replay", Mutations.replayArgs(base, m));
            ms.add(e);
        }
        root.put("mutants", ms);
        root.put("stale", stale);
        // --rule / --skip-rule narrowed the rules: a survivor may be one a left-out rule kills
        root.put("notes", ScenarioRunner.ruleChoiceNotes(base.result()));
        return write(root);
    }

    /** One row of {@code mutate --all}: a holding variant's mutant counts, in the order of {@link #MUTATE_COLUMNS}. */
    public record MutateRow(String scenario, String variant, long[] counts) {}

    /** The count columns of {@code mutate --all}, as JSON keys. */
    public static final List<String> MUTATE_COLUMNS = List.of("mutants", "killed", "survived", "undeclared", "equivalent",
            "notEvaluated", "unreached", "incomplete");

    /** {@code mutate --all --format json}: a row per holding variant, the totals and the problems (exit 10; budget stops alone: exit 4). */
    public static String renderMutateAll(List<MutateRow> rows, MutateRow total, List<String> problems, List<String> notes) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("schemaVersion", SCHEMA_VERSION);
        root.put("kind", "mutate-all");
        List<Map<String, Object>> out = new ArrayList<>();
        for (MutateRow r : rows) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("scenario", r.scenario());
            e.put("variant", r.variant());
            e.putAll(counts(r.counts()));
            out.add(e);
        }
        root.put("variants", out);
        root.put("total", counts(total.counts()));
        root.put("problems", List.copyOf(problems));
        root.put("notes", List.copyOf(notes));
        return write(root);
    }

    private static Map<String, Object> counts(long[] counts) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < MUTATE_COLUMNS.size(); i++) {
            m.put(MUTATE_COLUMNS.get(i), counts[i]);
        }
        return m;
    }

    /**
     * The catalogue for {@code list --format json}: ids, titles, references, knobs and variants with
     * their expectations and kinds, and the rules a check uses (the kernel's, then the plugins').
     */
    public static String renderCatalogue(List<org.migcheck.model.scenarios.Scenario> scenarios, List<org.migcheck.properties.Rule> kernelRules,
            List<org.migcheck.properties.Rule> pluginRules) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("schemaVersion", SCHEMA_VERSION);
        root.put("kind", "list");
        List<Map<String, Object>> out = new ArrayList<>();
        for (org.migcheck.model.scenarios.Scenario s : scenarios) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("id", s.id());
            e.put("title", org.migcheck.model.lang.UserCode.oneLine(s.title())); // one line, as list's text prints them
            e.put("reference", org.migcheck.model.lang.UserCode.oneLine(s.reference()));
            List<Map<String, Object>> knobs = new ArrayList<>();
            for (org.migcheck.model.scenarios.Knob k : s.knobs()) {
                Map<String, Object> km = new LinkedHashMap<>();
                km.put("name", k.name());
                km.put("values", k.values());
                km.put("default", k.defaultValue());
                km.put("doc", k.doc());
                putConditions(km, k, k.conditions().isEmpty() ? null : k.conditions().get(0)); // the first
                knobs.add(km);
            }
            e.put("knobs", knobs);
            List<Map<String, Object>> variants = new ArrayList<>();
            for (org.migcheck.model.scenarios.Variant v : s.variants()) {
                Map<String, Object> vm = new LinkedHashMap<>();
                vm.put("name", v.name());
                // in the scenario's knob order (a variant's own map may iterate in a per-JVM order)
                Map<String, String> settings = new LinkedHashMap<>();
                for (org.migcheck.model.scenarios.Knob k : s.knobs()) {
                    if (v.settings().containsKey(k.name())) {
                        settings.put(k.name(), v.settings().get(k.name()));
                    }
                }
                vm.put("settings", settings);
                vm.put("expect", v.expect().describe());
                vm.put("expectation", expectation(v.expect()));
                vm.put("bounded", v.expect().bounded());
                vm.put("kind", v.kind() == null ? null : v.kind().label());
                vm.put("doc", v.doc());
                variants.add(vm);
            }
            e.put("variants", variants);
            out.add(e);
        }
        root.put("scenarios", out);
        List<Map<String, Object>> rules = new ArrayList<>();
        for (List<org.migcheck.properties.Rule> from : List.of(kernelRules, pluginRules)) {
            for (org.migcheck.properties.Rule r : from) {
                Map<String, Object> rm = new LinkedHashMap<>();
                rm.put("id", r.id());
                rm.put("type", r instanceof org.migcheck.properties.StepRule ? "step" : "invariant");
                rm.put("statement", r.statement());
                rm.put("kernelRef", r.kernelRef());
                rm.put("origin", from == kernelRules ? "kernel" : "classpath");
                rules.add(rm);
            }
            if (from == kernelRules) {
                // the lockdep-style cycle check is an analysis of the whole search, not a Rule object, but --rule
                // and --skip-rule name it like one, and the text listing shows it after the kernel's rules
                RuleInfo cycle = RuleInfo.of(org.migcheck.properties.RuleSet.LOCK_CYCLE);
                Map<String, Object> rm = new LinkedHashMap<>();
                rm.put("id", cycle.id());
                rm.put("type", "analysis");
                rm.put("statement", cycle.statement());
                rm.put("kernelRef", cycle.kernelRef());
                rm.put("origin", "kernel");
                rules.add(rm);
            }
        }
        root.put("rules", rules);
        return write(root);
    }

    /**
     * {@code json} with a "replayCommand" beside every report's "replay": the whole command line, which
     * {@code command} makes of "./migcheck replay ARGS" (the command line adds --classpath, --rule and
     * --skip-rule, which are options of the launcher and so cannot follow "replay").
     */
    public static String withReplayCommands(String json, java.util.function.UnaryOperator<String> command) {
        try {
            com.fasterxml.jackson.databind.JsonNode root = MAPPER.readTree(json);
            addReplayCommands(root, command);
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void addReplayCommands(com.fasterxml.jackson.databind.JsonNode node, java.util.function.UnaryOperator<String> command) {
        // a report's replay, and each path of a lock-order report ("edge"), which replays on its own
        if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode o && o.has("replay") && (o.has("verdict") || o.has("edge"))) {
            com.fasterxml.jackson.databind.JsonNode r = o.get("replay");
            // a mutant's replay is "--mutant 'ID' TOKEN", quoted already; a report's is the token
            o.put("replayCommand", r.isTextual() ? command.apply(o.has("fate") ? "./migcheck replay " + r.asText() : ScenarioRunner.replayCommand(r.asText())) : null);
        }
        node.forEach(child -> addReplayCommands(child, command));
    }

    private static String write(Object root) {
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> report(ScenarioRunner.Outcome o) {
        CheckResult r = o.result();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("scenario", o.scenario().id());
        root.put("variant", o.variant());
        // what the named variant stands for (shipped kernel, proposal, hypothetical, mutation), as the text report's "variant:" line
        root.put("variantDoc", TextRenderer.variantDoc(o));
        root.put("knobs", o.knobs().asMap());
        // 0, or K for the re-check at model bounds raised by K (check --all --bounds +K)
        root.put("boundsRaise", o.boundsRaise());
        root.put("expected", o.expected() == null ? null : o.expected().describe());
        root.put("expectation", o.expected() == null ? null : expectation(o.expected()));
        root.put("verdict", r.verdict().lower());
        root.put("matches", o.matches());
        RuleInfo rule = RuleInfo.of(r);
        root.put("rule", rule == null ? null : ruleMap(rule));
        root.put("message", r.message());
        root.put("explanation", r.explanation());
        boolean failed = TextRenderer.failed(r);
        Trace trace = failed ? r.trace() : null;
        boolean paths = !r.witnesses().isEmpty();
        root.put("blocked", trace == null || paths ? List.of() : blocked(trace));
        root.put("cycle", trace == null ? null : paths ? lockCycle(r) : waitForCycle(trace));
        root.put("chains", trace == null || paths || r.verdict() != org.migcheck.checker.run.Verdict.DEADLOCK ? List.of() : waitForChains(trace));
        root.put("heldLocks", trace == null || paths ? List.of() : heldLocks(trace));
        Map<String, Object> goals = new LinkedHashMap<>();
        r.goals().forEach((g, a) -> goals.put(g, a.answer().name().toLowerCase(java.util.Locale.ROOT)));
        root.put("goals", goals);
        // the witnesses a holding report shows (text and HTML), each with its trace
        List<Map<String, Object>> witnesses = new ArrayList<>();
        if (r.verdict() == org.migcheck.checker.run.Verdict.HOLDS) {
            r.goals().forEach((g, a) -> {
                if (a.witness() != null) {
                    Map<String, Object> w = new LinkedHashMap<>();
                    w.put("goal", g);
                    w.put("shortest", a.shortest());
                    w.put("trace", rows(Trace.replay(r.model(), a.witness())));
                    witnesses.add(w);
                }
            });
        }
        root.put("goalWitnesses", witnesses);
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("generated", r.stats().generated());
        stats.put("distinct", r.stats().distinct());
        stats.put("depth", r.stats().maxDepth());
        stats.put("seconds", Timings.shown() ? r.stats().seconds() : null);
        stats.put("statesPerSecond", Timings.shown() ? r.stats().statesPerSecond() : null);
        boolean store = r.stats().store() != null;
        stats.put("store", r.stats().store());
        stats.put("storeBytes", store ? r.stats().storeBytes() : null);
        stats.put("bytesPerState", store && r.stats().distinct() > 0 ? r.stats().bytesPerState() : null);
        root.put("stats", stats);
        root.put("limit", r.limit());
        root.put("notes", r.notes());
        root.put("reductions", r.reductions());
        root.put("unreached", r.unreached().stream().map(CheckResult.Unreached::step).toList());
        root.put("saturatedBounds", saturations(r.saturated()));
        root.put("trace", trace == null || paths ? null : rows(trace));
        root.put("breaksAt", trace == null || paths ? null : breaksAt(r, trace));
        root.put("restingPlaces", trace == null || paths ? null : resting(trace));
        root.put("continuation", trace == null || r.continuation() == null ? null : continuation(r));
        List<Map<String, Object>> ps = new ArrayList<>();
        for (CheckResult.Witness w : r.witnesses()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("title", w.title());
            p.put("edge", w.edge() == null ? null : edge(r.model(), w.edge()));
            p.put("trace", rows(w.trace(r.model())));
            p.put("replay", ScenarioRunner.withSchedule(o.replayArgs(), w.schedule()));
            ps.add(p);
        }
        root.put("paths", ps);
        // what follows `migcheck replay`: the token, with --bounds +K for a re-check at raised bounds
        root.put("replay", failed ? o.replayArgs() : null);
        return root;
    }

    /** The step that broke the rule of a VIOLATED result, with its thread's kernel path; null when none did. */
    private static Map<String, Object> breaksAt(CheckResult r, Trace t) {
        int at = TextRenderer.breaksAt(r, t);
        if (at < 0) {
            return null;
        }
        Trace.Row row = t.rows().get(at);
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("step", at + 1);
        b.put("thread", t.model().thread(row.thread()).name());
        b.put("label", row.label());
        b.put("callStack", t.callStack(at));
        return b;
    }

    static Map<String, Object> ruleMap(RuleInfo rule) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", rule.id());
        m.put("statement", rule.statement());
        m.put("kernelRef", rule.kernelRef());
        return m;
    }

    private static Map<String, Object> edge(Model m, CheckResult.LockEdge e) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("fromClass", e.fromClass());
        x.put("toClass", e.toClass());
        x.put("thread", m.thread(e.thread()).name());
        x.put("held", e.held());
        x.put("acquired", e.acquired());
        return x;
    }

    private static List<Map<String, Object>> blocked(Trace t) {
        Model m = t.model();
        Semantics sem = new Semantics(m);
        int[] s = t.last();
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < m.threadCount(); i++) {
            BlockReason why = sem.finished(s, i) || sem.atIdlePoint(s, i) ? null : Trace.blockReason(sem, s, i);
            if (why == null) {
                continue;
            }
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("thread", m.thread(i).name());
            b.put("step", sem.label(s, i, 0));
            b.put("callStack", org.migcheck.checker.run.Checker.frames(sem, s, i)); // kernel names, as the text shows them
            b.put("waitsFor", why instanceof BlockReason.OnLock ? "lock" : why instanceof BlockReason.OnFlag ? "flag" : "condition");
            b.put("object", why instanceof BlockReason.OnLock l ? l.lock().name() : why instanceof BlockReason.OnFlag f ? f.object() : null);
            b.put("holder", why instanceof BlockReason.OnLock l && l.holder() >= 0 ? m.thread(l.holder()).name() : null);
            b.put("reason", why.describe(m));
            out.add(b);
        }
        return out;
    }

    private static Map<String, Object> waitForCycle(Trace t) {
        Model m = t.model();
        WaitFor g = WaitFor.of(m, t.last());
        List<Integer> cycle = g.cycle();
        if (cycle.isEmpty()) {
            return null;
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("kind", "wait-for");
        c.put("nodes", cycle.stream().map(i -> m.thread(i).name()).toList());
        List<Map<String, Object>> edges = new ArrayList<>();
        for (int i = 0; i < cycle.size(); i++) {
            int a = cycle.get(i);
            int b = cycle.get((i + 1) % cycle.size());
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("from", m.thread(a).name());
            e.put("to", m.thread(b).name());
            e.put("via", g.via(a, b));
            edges.add(e);
        }
        c.put("edges", edges);
        return c;
    }

    /**
     * A deadlock without a wait-for cycle: from each blocked thread, the chain of threads it waits for,
     * as the text's "chain:" lines (a lock leaked by a thread that exited, a flag nobody can set); empty
     * when there is a cycle.
     */
    private static List<Map<String, Object>> waitForChains(Trace t) {
        Model m = t.model();
        Semantics sem = new Semantics(m);
        WaitFor g = WaitFor.of(m, t.last());
        List<Map<String, Object>> out = new ArrayList<>();
        if (!g.cycle().isEmpty()) {
            return out;
        }
        for (int start : g.waiting()) {
            WaitFor.Chain chain = g.chain(sem, t.last(), start);
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("nodes", chain.threads().stream().map(i -> m.thread(i).name()).toList());
            List<Map<String, Object>> edges = new ArrayList<>();
            for (int i = 0; i < chain.via().size(); i++) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("from", m.thread(chain.threads().get(i)).name());
                e.put("to", m.thread(chain.threads().get(i + 1)).name());
                e.put("via", chain.via().get(i));
                edges.add(e);
            }
            c.put("edges", edges);
            c.put("end", chain.end());
            out.add(c);
        }
        return out;
    }

    private static Map<String, Object> lockCycle(CheckResult r) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("kind", "lock-class");
        List<String> nodes = new ArrayList<>();
        List<Map<String, Object>> edges = new ArrayList<>();
        for (CheckResult.Witness w : r.witnesses()) {
            if (w.edge() == null) {
                continue;
            }
            nodes.add(w.edge().fromClass());
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("from", w.edge().fromClass());
            e.put("to", w.edge().toClass());
            e.put("via", r.model().thread(w.edge().thread()).name() + " takes " + w.edge().acquired() + " holding " + w.edge().held());
            edges.add(e);
        }
        c.put("nodes", nodes);
        c.put("edges", edges);
        return c;
    }

    private static List<Map<String, Object>> heldLocks(Trace t) {
        Model m = t.model();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Lock l : m.locks()) {
            int h = t.last()[l.holderVar().slot()] - 1;
            if (h < 0 || h >= m.threadCount()) {
                continue;
            }
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("lock", l.name());
            e.put("holder", m.thread(h).name());
            int since = t.heldSince(l, h);
            e.put("sinceStep", since == 0 ? null : since);
            out.add(e);
        }
        return out;
    }

    private static List<Map<String, Object>> resting(Trace t) {
        Model m = t.model();
        Semantics sem = new Semantics(m);
        int[] s = t.last();
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < m.threadCount(); i++) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("thread", m.thread(i).name());
            boolean done = sem.finished(s, i);
            BlockReason why = done ? null : Trace.blockReason(sem, s, i);
            e.put("state", done ? "finished" : why != null ? "blocked" : sem.atIdlePoint(s, i) ? "idle" : "runnable");
            e.put("step", done ? null : why == null ? sem.upcoming(s, i) : sem.label(s, i, 0));
            e.put("reason", why == null ? null : why.describe(m));
            out.add(e);
        }
        return out;
    }

    /** A stuck report's continuation, as the text prints it under the trace. */
    private static Map<String, Object> continuation(CheckResult r) {
        org.migcheck.checker.run.Continuation c = r.continuation();
        Trace t = Trace.continuation(r.model(), r.schedule(), c);
        int p = r.schedule().length;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("thread", r.model().thread(c.thread()).name());
        out.put("livelock", c.livelock());
        out.put("trace", rows(t, p));
        out.put("loopFrom", TextRenderer.loopStart(p, c));
        out.put("loopTo", p + c.steps().length);
        out.put("restingPlaces", resting(TextRenderer.toLoop(t, c)));
        return out;
    }

    private static List<Map<String, Object>> rows(Trace t) {
        return rows(t, 0);
    }

    /** The trace's steps, numbered from {@code first + 1}. */
    private static List<Map<String, Object>> rows(Trace t, int first) {
        List<Map<String, Object>> out = new ArrayList<>();
        Semantics sem = new Semantics(t.model());
        int i = 0;
        for (Trace.Row row : t.rows()) {
            Map<String, Object> m = new LinkedHashMap<>();
            // the kernel path the thread was on when it took the step: two steps with one label in different functions differ here
            List<String> stack = t.callStack(sem, i);
            m.put("step", first + ++i);
            m.put("thread", t.model().thread(row.thread()).name());
            m.put("label", row.label());
            m.put("outcome", row.outcome());
            // the values the step changed, and apart from them (a field of its own, so that "changes" keeps its meaning)
            // the writes of a value a variable already had, which the text shows as "x: 1 (unchanged)"
            List<Map<String, Object>> changes = new ArrayList<>();
            List<Map<String, Object>> rewrites = new ArrayList<>();
            for (Trace.Change c : row.writes()) {
                Map<String, Object> ch = new LinkedHashMap<>();
                ch.put("variable", c.variable());
                ch.put("value", c.value());
                (c.unchanged() ? rewrites : changes).add(ch);
            }
            m.put("changes", changes);
            m.put("rewrites", rewrites);
            m.put("failure", row.failure());
            m.put("callStack", stack);
            out.add(m);
        }
        return out;
    }
}
