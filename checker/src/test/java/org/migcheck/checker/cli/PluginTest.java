package org.migcheck.checker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.migcheck.checker.testing.CliRun.run;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.testing.CliRun;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Model;
import org.migcheck.model.scenarios.BaseScenario;
import org.migcheck.model.scenarios.Expect;
import org.migcheck.model.scenarios.Knob;
import org.migcheck.model.scenarios.Knobs;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.model.scenarios.Variant;

/**
 * Users' scenarios on --classpath: found through ServiceLoader, usable by every command, named by
 * replay tokens; broken plugins are one-line usage errors.
 */
public class PluginTest {

    static final String SERVICE = "META-INF/services/" + Scenario.class.getName();

    /** A user's scenario: two mutexes taken in an order chosen by a knob. */
    public static final class MutexPlugin implements Scenario {
        private final Scenario s = BaseScenario.builder("plugin-mutexes")
                .title("a user's model: two mutexes, order chosen by a knob")
                .reference("test plugin")
                .knob(Knob.bool("sameOrder", false, "both threads take a then b"))
                .model(k -> build(k.flag("sameOrder")))
                .variant("abba", Map.of("sameOrder", "false"), Expect.deadlock(), "opposite order")
                .variant("ordered", Map.of("sameOrder", "true"), Expect.holds(), "same order")
                .build();

        static Model build(boolean same) {
            Model.Builder m = Model.builder("plugin-mutexes");
            Lock a = m.mutex("a");
            Lock b = m.mutex("b");
            m.thread("p", body -> org.migcheck.checker.testing.Nested.locks(body, a, b));
            m.thread("q", body -> org.migcheck.checker.testing.Nested.locks(body, same ? a : b, same ? b : a));
            return m.build();
        }

        @Override public String id() { return s.id(); }
        @Override public String title() { return s.title(); }
        @Override public String reference() { return s.reference(); }
        @Override public java.util.List<Knob> knobs() { return s.knobs(); }
        @Override public java.util.List<Variant> variants() { return s.variants(); }
        @Override public Model build(Knobs k) { return s.build(k); }
    }

    /** A plugin whose id collides with a bundled scenario. */
    public static final class DuplicatePlugin implements Scenario {
        @Override public String id() { return "philosophers"; }
        @Override public String title() { return "dup"; }
        @Override public String reference() { return "dup"; }
        @Override public java.util.List<Knob> knobs() { return java.util.List.of(); }
        @Override public java.util.List<Variant> variants() { return java.util.List.of(); }
        @Override public Model build(Knobs k) { throw new UnsupportedOperationException(); }
    }

    /** Another class claiming the id of {@link MutexPlugin}. */
    public static final class TwinPlugin implements Scenario {
        private final Scenario s = new MutexPlugin();

        @Override public String id() { return s.id(); }
        @Override public String title() { return s.title(); }
        @Override public String reference() { return s.reference(); }
        @Override public java.util.List<Knob> knobs() { return s.knobs(); }
        @Override public java.util.List<Variant> variants() { return s.variants(); }
        @Override public Model build(Knobs k) { return s.build(k); }
    }

    /** A plugin whose title throws (list printed hundreds of lines, then an internal error). */
    public static final class UntitledPlugin implements Scenario {
        @Override public String id() { return "untitled"; }
        @Override public String title() { throw new IllegalStateException("no title yet"); }
        @Override public String reference() { return ""; }
        @Override public java.util.List<Knob> knobs() { return java.util.List.of(); }
        @Override public java.util.List<Variant> variants() { return java.util.List.of(); }
        @Override public Model build(Knobs k) { return null; }
    }

    /** A plugin whose constructor fails. */
    public static final class BrokenPlugin implements Scenario {
        public BrokenPlugin() { throw new IllegalStateException("cannot start"); }
        @Override public String id() { return "broken"; }
        @Override public String title() { return ""; }
        @Override public String reference() { return ""; }
        @Override public java.util.List<Knob> knobs() { return java.util.List.of(); }
        @Override public java.util.List<Variant> variants() { return java.util.List.of(); }
        @Override public Model build(Knobs k) { return null; }
    }

    /**
     * A user's scenario whose own code fails while building: knob mode 0 dereferences null, 1 returns
     * no model, 2 needs a class that is not there, 3 builds the mutex model, 4 builds it but its
     * expectation function throws, 5 uses a class whose static initialiser throws, 6 calls a method
     * that its class no longer has (what a half-rebuilt project gets: NoSuchMethodError), 7 builds a
     * model whose step effect recurses without end (StackOverflowError), 8 runs out of heap while
     * building (OutOfMemoryError). Only mode 3 has a variant (and an expectation).
     */
    public static final class ThrowingPlugin implements Scenario {
        @Override public String id() { return "plugin-throws"; }
        @Override public String title() { return "a user's model that fails to build"; }
        @Override public String reference() { return "test plugin"; }
        @Override public java.util.List<Knob> knobs() { return java.util.List.of(Knob.range("mode", 0, 8, 3, "how the build fails")); }
        @Override public java.util.List<Variant> variants() {
            return java.util.List.of(new Variant("builds", Map.of("mode", "3"), Expect.deadlock(), "hypothetical: builds"));
        }
        @Override public Expect expect(Knobs k) {
            if (k.integer("mode") == 4) {
                throw new IllegalStateException("no expectation for mode 4");
            }
            return Scenario.super.expect(k);
        }
        @Override public Model build(Knobs k) {
            switch (k.integer("mode")) {
                case 0 -> {
                    String none = null;
                    return MutexPlugin.build(none.isEmpty());
                }
                case 1 -> {
                    return null;
                }
                case 2 -> throw new NoClassDefFoundError("org/example/Gone");
                case 5 -> {
                    return MutexPlugin.build(BadInit.FLAG);
                }
                case 6 -> throw new NoSuchMethodError("'java.lang.String org.example.Helper.name()'");
                case 8 -> throw new OutOfMemoryError("Java heap space (test)");
                case 7 -> {
                    Model.Builder m = Model.builder("plugin-recurses");
                    m.thread("kworker/u16:3", body -> body.step(org.migcheck.model.lang.Step.named("deep_call")
                            .does(e -> recurse(0)).build()));
                    return m.build();
                }
                default -> {
                    return MutexPlugin.build(false);
                }
            }
        }
    }

    /** Calls itself until the stack overflows (a user's effect with a runaway recursion). */
    static int recurse(int depth) {
        return recurse(depth + 1) + 1;
    }

    /** A plugin with two variants of one name: --variant and replay tokens would pick one of them silently. */
    public static final class TwinVariantsPlugin implements Scenario {
        private final Scenario s = new MutexPlugin();

        @Override public String id() { return "plugin-twins"; }
        @Override public String title() { return s.title(); }
        @Override public String reference() { return s.reference(); }
        @Override public java.util.List<Knob> knobs() { return s.knobs(); }
        @Override public java.util.List<Variant> variants() {
            return java.util.List.of(new Variant("v", Map.of("sameOrder", "true"), Expect.holds(), "hypothetical: one"),
                    new Variant("v", Map.of("sameOrder", "false"), Expect.deadlock(), "hypothetical: the other"));
        }
        @Override public Model build(Knobs k) { return s.build(k); }
    }

    /** A rule plugin whose id holds a comma, which --rule and --skip-rule split on. */
    public static final class CommaIdRule implements org.migcheck.properties.Invariant {
        @Override public String id() { return "plugin.a,b"; }
        @Override public String statement() { return "never broken"; }
        @Override public String kernelRef() { return "none"; }
        @Override public org.migcheck.properties.Check check(org.migcheck.model.lang.StateView s) { return org.migcheck.properties.Check.ok(); }
    }

    /** A plugin whose variant sets a knob the scenario does not declare. */
    public static final class StrayKnobPlugin implements Scenario {
        private final Scenario s = new MutexPlugin();

        @Override public String id() { return "plugin-stray"; }
        @Override public String title() { return s.title(); }
        @Override public String reference() { return s.reference(); }
        @Override public java.util.List<Knob> knobs() { return s.knobs(); }
        @Override public java.util.List<Variant> variants() {
            return java.util.List.of(new Variant("stray", Map.of("sameOrdr", "true"), Expect.holds(), "hypothetical: misspelt knob"));
        }
        @Override public Model build(Knobs k) { return s.build(k); }
    }

    /** A class of a user's model whose static initialiser throws. */
    static final class BadInit {
        static final boolean FLAG = Boolean.parseBoolean(System.getProperty("no.such.property").trim());
    }

    /** A user's rule without an id. */
    public static final class NullIdRule implements org.migcheck.properties.Invariant {
        @Override public String id() { return null; }
        @Override public String statement() { return "no id"; }
        @Override public String kernelRef() { return "test plugin"; }
        @Override public org.migcheck.properties.Check check(org.migcheck.model.lang.StateView s) { return org.migcheck.properties.Check.ok(); }
    }

    /** A user's rule: thread q never holds mutex a. */
    public static final class QNeverHoldsA implements org.migcheck.properties.Invariant {
        @Override public String id() { return "plugin.q-never-holds-a"; }
        @Override public String statement() { return "q never holds a"; }
        @Override public String kernelRef() { return "test plugin"; }
        @Override public org.migcheck.properties.Check check(org.migcheck.model.lang.StateView s) {
            Lock a = s.model().locks().stream().filter(l -> l.name().equals("a")).findFirst().orElse(null);
            return org.migcheck.properties.Check.unless(a != null && s.holder(a) == s.model().threadIndex("q"), () -> "q holds a");
        }
    }

    /** A test plugin's rule: its id and statement, cited as "test plugin" (subclasses keep a public no-argument constructor). */
    abstract static class TestRule {
        private final String id;
        private final String statement;

        TestRule(String id, String statement) {
            this.id = id;
            this.statement = statement;
        }

        public String id() { return id; }
        public String statement() { return statement; }
        public String kernelRef() { return "test plugin"; }
    }

    /** A user's rule with a bug: its check returns null (not a pass). */
    public static final class NullCheckRule extends TestRule implements org.migcheck.properties.Invariant {
        public NullCheckRule() { super("plugin.returns-null", "returns null"); }
        @Override public org.migcheck.properties.Check check(org.migcheck.model.lang.StateView s) { return null; }
    }

    /** A user's step rule with a bug in its declarations: triggers() returns null. */
    public static final class NullTriggersRule extends TestRule implements org.migcheck.properties.StepRule {
        public NullTriggersRule() { super("plugin.null-triggers", "null triggers"); }
        @Override public java.util.List<Class<? extends org.migcheck.model.lang.Event>> triggers() { return null; }
        @Override public org.migcheck.properties.Check check(org.migcheck.properties.StepView s) { return org.migcheck.properties.Check.ok(); }
    }

    /** A user's rule whose vacuous(model) throws. */
    public static final class VacuousThrowsRule extends TestRule implements org.migcheck.properties.Invariant {
        public VacuousThrowsRule() { super("plugin.vacuous-throws", "vacuous throws"); }
        @Override public boolean vacuous(Model model) { throw new IllegalArgumentException("vacuous blew up"); }
        @Override public org.migcheck.properties.Check check(org.migcheck.model.lang.StateView s) { return org.migcheck.properties.Check.ok(); }
    }

    /** A user's rule that asks for the locks of a thread the model does not have (a misspelt name: index -1). */
    public static final class MisspeltThreadRule extends TestRule implements org.migcheck.properties.Invariant {
        public MisspeltThreadRule() { super("plugin.misspelt-thread", "qq holds nothing"); }
        @Override public org.migcheck.properties.Check check(org.migcheck.model.lang.StateView s) {
            java.util.List<Lock> held = org.migcheck.properties.Context.held(s, s.model().threadIndex("qq"));
            return org.migcheck.properties.Check.unless(!held.isEmpty(), () -> "qq holds " + held);
        }
    }

    /** A user's rule that breaks with a violation without message. */
    public static final class NullMessageRule extends TestRule implements org.migcheck.properties.Invariant {
        public NullMessageRule() { super("plugin.null-message", "null message"); }
        @Override public org.migcheck.properties.Check check(org.migcheck.model.lang.StateView s) { return org.migcheck.properties.Check.violated(null); }
    }

    /**
     * A rule with a bug is a MODEL_ERROR naming it (exit 5), never a pass and never an internal error:
     * a check that returns null, triggers() that returns null, vacuous() that throws, a violation
     * without a message, the locks of thread -1 (what threadIndex gives for a misspelt name).
     */
    @Test
    void rulesWithABugAreModelErrorsNamingThem(@TempDir Path dir) throws IOException {
        String[][] cases = {
            {NullCheckRule.class.getName(), "invariant plugin.returns-null returned null, not a Check"},
            {NullTriggersRule.class.getName(), "step rule plugin.null-triggers: triggers() returned null"},
            {VacuousThrowsRule.class.getName(), "invariant plugin.vacuous-throws: vacuous(model) threw java.lang.IllegalArgumentException: vacuous blew up"},
            {NullMessageRule.class.getName(), "invariant plugin.null-message threw java.lang.NullPointerException: Check.violated needs a message"
                    + " (null given) at " + NullMessageRule.class.getName() + ".check(PluginTest.java:"},
            {MisspeltThreadRule.class.getName(), "invariant plugin.misspelt-thread threw no thread -1 in model plugin-mutexes"},
        };
        int i = 0;
        for (String[] c : cases) {
            Path cp = services(dir.resolve("r" + i++), MutexPlugin.class.getName());
            Files.writeString(cp.resolve(RULE_SERVICE), c[0] + "\n");
            CliRun r = run("--classpath", cp.toString(), "check", "plugin-mutexes", "--variant", "ordered");
            assertEquals(5, r.code(), c[0] + ": " + r.out() + r.err());
            assertTrue(r.out().replaceAll("\\s+", " ").contains(c[1]), c[0] + ": " + r.out() + r.err());
            assertFalse((r.out() + r.err()).contains("internal error"), r.out() + r.err());
            if (c[0].equals(NullTriggersRule.class.getName()) || c[0].equals(VacuousThrowsRule.class.getName())) {
                // a rule whose declarations fail: replay says the same (the rule's error, exit 5), not that the token does not fit
                CliRun replay = run("--classpath", cp.toString(), "replay", "plugin-mutexes:ordered:sameOrder=true:0");
                assertEquals(5, replay.code(), c[0] + ": " + replay.out() + replay.err());
                assertTrue(replay.err().replaceAll("\\s+", " ").contains(c[1]), replay.err());
            } else {
                // a rule that fails on a state the token passes through (here the initial one): the model's error, exit 5
                // (it said the token did not fit, exit 64)
                CliRun replay = run("--classpath", cp.toString(), "replay", "plugin-mutexes:ordered:sameOrder=true:0");
                assertEquals(5, replay.code(), c[0] + ": " + replay.out() + replay.err());
                assertTrue(replay.out().replaceAll("\\s+", " ").contains("ends in: MODEL_ERROR"), replay.out());
            }
            // and check --all goes on past it to its table's end
            CliRun all = run("--classpath", cp.toString(), "check", "--all");
            assertEquals(10, all.code(), c[0] + ": " + all.out() + all.err());
            assertTrue(all.out().contains(" passed, ") && all.out().contains(" failed"), all.out());
        }
    }

    /** A lock order held in a field, registered for the command line by a one-line subclass of RegisteredStepRule. */
    public static final class AThenB extends org.migcheck.properties.RegisteredStepRule {
        static final org.migcheck.properties.LockHierarchy ORDER = org.migcheck.properties.LockHierarchy
                .named("plugin.a-then-b", "A is taken before B", "test: the order of the zoo's mutexes").order("A", "B", "test");

        public AThenB() { super(ORDER); }
    }

    /** RegisteredStepRule hands a LockHierarchy (which the service file cannot name) to the command line, its promises included. */
    @Test
    void aLockOrderInAFieldIsRegisteredByASubclass(@TempDir Path dir) throws IOException {
        Path cp = ruleServices(dir.resolve("order"), AThenB.class.getName());
        CliRun gated = run("--classpath", cp.toString(), "check", "abba-gated");
        assertEquals(1, gated.code(), gated.out() + gated.err());
        assertTrue(gated.out().contains("VIOLATED plugin.a-then-b"), gated.out());
        CliRun ordered = run("--classpath", cp.toString(), "check", "abba-ordered");
        assertEquals(0, ordered.code(), ordered.out() + ordered.err());
        AThenB r = new AThenB();
        assertEquals(AThenB.ORDER.triggers(), r.triggers());
        assertEquals("A is taken before B", r.statement());
    }

    /** A user's rule that breaks on a bundled scenario: t1 never holds A (abba-ordered's t1 takes A first). */
    public static final class T1NeverHoldsA extends TestRule implements org.migcheck.properties.Invariant {
        public T1NeverHoldsA() { super("plugin.t1-never-holds-a", "t1 never holds A"); }
        @Override public org.migcheck.properties.Check check(org.migcheck.model.lang.StateView s) {
            Lock a = s.model().locks().stream().filter(l -> l.name().equals("A")).findFirst().orElse(null);
            int t1 = s.model().threadIndex("t1");
            return org.migcheck.properties.Check.unless(a != null && t1 >= 0 && s.holder(a) == t1, () -> "t1 holds A");
        }
    }

    /** A user's rule that breaks a bundled scenario: the replay line names --classpath, and pasted it replays the break. */
    @Test
    void aUsersRuleBrokenOnABundledScenarioReplaysFromThePrintedLine(@TempDir Path dir) throws IOException {
        Path cp = ruleServices(dir.resolve("rule"), T1NeverHoldsA.class.getName());
        CliRun r = run("--classpath", cp.toString(), "check", "abba-ordered");
        assertEquals(1, r.code(), r.out() + r.err());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("replay: \\./migcheck --classpath (.+) replay (\\S+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertEquals(ScenarioRunner.shellQuote(cp.toString()), m.group(1));
        CliRun again = run("--classpath", cp.toString(), "replay", m.group(2));
        assertEquals(1, again.code(), again.out() + again.err());
        assertTrue(again.out().contains("ends in: VIOLATED plugin.t1-never-holds-a: t1 holds A"), again.out());
        assertTrue(again.out().replaceAll("\\s+", " ").contains("declared: abba-ordered / default holds; this replay ends in violated"
                + " plugin.t1-never-holds-a, a mismatch with the declaration"), again.out());
    }

    /** export --promela carries a --classpath rule as an assertion of its own (it was left out: SPIN then found no error). */
    @Test
    void theExportChecksAUsersRule(@TempDir Path dir) throws IOException {
        Path cp = ruleServices(dir.resolve("rule"), T1NeverHoldsA.class.getName());
        CliRun with = run("--classpath", cp.toString(), "export", "--promela", "abba-ordered");
        assertEquals(0, with.code(), with.err());
        assertTrue(with.out().contains("violated_plugin_t1_never_holds_a"), with.out());
        assertFalse(with.err().contains("plugin.t1-never-holds-a"), "not listed as not expressible: " + with.err());
        CliRun without = run("export", "--promela", "abba-ordered");
        assertEquals(0, without.code(), without.err());
        assertFalse(without.out().contains("violated_plugin_t1_never_holds_a"), without.out());
    }

    /**
     * --rule keeps only the named rules (deadlocks and stuck threads are always checked): a user's rule
     * can be tried where another would break first, and the replay line repeats the selection.
     */
    @Test
    void ruleSelectsTheRulesChecked(@TempDir Path dir) throws IOException {
        Path cp = ruleServices(dir.resolve("rule"), T1NeverHoldsA.class.getName());
        // without the user's rule abba-ordered holds; with only it, it breaks at t1's first step
        CliRun kernelOnly = run("--classpath", cp.toString(), "--rule", "atomic.sleep,lock-order.cycle", "check", "abba-ordered");
        assertEquals(0, kernelOnly.code(), kernelOnly.out() + kernelOnly.err());
        // and says that this HOLDS is of two rules only
        assertTrue(kernelOnly.out().replaceAll("\\s+", " ").contains("note: only the rules chosen with --rule were checked (atomic.sleep,"
                + " lock-order.cycle): the verdict says nothing of the others"), kernelOnly.out());
        // a variant whose expected rule was left out says so
        CliRun left = run("--rule", "atomic.sleep", "check", "truncate-writeback", "--variant", "wb-after-unlock");
        assertTrue(left.out().contains("note: the expected rule writeback.set-under-lock is not among those --rule chose"), left.out());
        // commands that do not read --rule refuse it
        for (String[] cmd : new String[][] {{"export", "--promela", "abba"}, {"list"}, {"bench", "--compare-spin", "philosophers-3"}}) {
            String[] args = new String[cmd.length + 2];
            args[0] = "--rule";
            args[1] = "atomic.sleep";
            System.arraycopy(cmd, 0, args, 2, cmd.length);
            CliRun refused = run(args);
            assertEquals(64, refused.code(), cmd[0] + ": " + refused.out() + refused.err());
            assertTrue(refused.err().contains("--rule does not apply to " + cmd[0]), refused.err());
        }
        CliRun mine = run("--classpath", cp.toString(), "--rule", "plugin.t1-never-holds-a", "check", "abba");
        assertEquals(1, mine.code(), mine.out() + mine.err());
        assertTrue(mine.out().contains("VIOLATED plugin.t1-never-holds-a"), mine.out());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("replay: \\./migcheck --classpath .+ --rule plugin\\.t1-never-holds-a"
                + " replay (\\S+)").matcher(mine.out());
        assertTrue(m.find(), mine.out());
        CliRun again = run("--classpath", cp.toString(), "--rule", "plugin.t1-never-holds-a", "replay", m.group(1));
        assertTrue(again.out().contains("ends in: VIOLATED plugin.t1-never-holds-a"), again.out());
        // deadlocks are not rules: abba still deadlocks with a rule that never breaks there
        CliRun dead = run("--rule", "atomic.sleep", "check", "abba");
        assertEquals(2, dead.code(), dead.out() + dead.err());
        CliRun unknown = run("--rule", "no.such-rule", "check", "abba");
        assertEquals(64, unknown.code(), unknown.out() + unknown.err());
        assertTrue(unknown.err().startsWith("migcheck check: --rule no.such-rule: no such rule; rules: ") && unknown.err().contains("atomic.sleep"),
                unknown.err());
        CliRun spread = run("--rule", "atomic.sleep", "check", "abba", "--members", "127.0.0.1:1", "--cluster", "rule-test-cluster-secret");
        assertEquals(64, spread.code(), spread.out() + spread.err());
        assertTrue(spread.err().contains("--rule and --skip-rule select rules in this process only"), spread.err());
    }

    /**
     * --skip-rule leaves rules out, to see what follows where one breaks first: the bdev mkdir-vs-migrator
     * variant breaks the lock hierarchy at mkdir's own steps; without the lock-order rules the ABBA
     * between the migrator and mkdir is found as the deadlock it is.
     */
    @Test
    void skipRuleShowsWhatFollowsAFirstBrokenRule() {
        CliRun first = run("check", "bdev-jbd2", "--variant", "cancel-revoke-migrate");
        assertEquals(1, first.code(), first.out() + first.err());
        assertTrue(first.out().replaceAll("\\s+", " ").contains("--skip-rule lock-order.hierarchy (Java: rules.without(\"lock-order.hierarchy\"))"
                + " re-checks without it"), first.out());
        CliRun on = run("--skip-rule", "lock-order.hierarchy,lock-order.cycle", "check", "bdev-jbd2", "--variant", "cancel-revoke-migrate");
        assertEquals(2, on.code(), on.out() + on.err());
        assertTrue(on.out().contains("cycle: migrator -> bh0.BH_Lock -> mkdir -> F.locked -> migrator"), on.out());
        String flat = on.out().replaceAll("\\s+", " ");
        assertTrue(flat.contains("note: the rules left out with --skip-rule were not checked (lock-order.hierarchy, lock-order.cycle)"), on.out());
        assertTrue(flat.contains("note: the expected rule lock-order.hierarchy was left out with --skip-rule"), on.out());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("replay: \\./migcheck --skip-rule lock-order\\.hierarchy,lock-order\\.cycle"
                + " replay (\\S+)").matcher(on.out());
        assertTrue(m.find(), on.out());
        CliRun again = run("--skip-rule", "lock-order.hierarchy,lock-order.cycle", "replay", m.group(1));
        assertEquals(2, again.code(), again.out() + again.err());
        assertTrue(again.out().contains("ends in: DEADLOCK"), again.out());
        // one way of choosing at a time; ids are checked; commands without rules refuse it
        CliRun both = run("--rule", "atomic.sleep", "--skip-rule", "lock-order.cycle", "check", "abba");
        assertEquals(64, both.code(), both.err());
        assertTrue(both.err().contains("--rule and --skip-rule both choose the rules: give one"), both.err());
        CliRun unknown = run("--skip-rule", "no.such-rule", "check", "abba");
        assertEquals(64, unknown.code(), unknown.err());
        assertTrue(unknown.err().startsWith("migcheck check: --skip-rule no.such-rule: no such rule; rules: "), unknown.err());
        CliRun listed = run("--skip-rule", "atomic.sleep", "list");
        assertEquals(64, listed.code(), listed.err());
        assertTrue(listed.err().contains("--skip-rule does not apply to list"), listed.err());
        CliRun late = run("check", "abba", "--skip-rule", "atomic.sleep");
        assertEquals(64, late.code(), late.err());
        assertTrue(late.err().contains("--skip-rule goes before the command"), late.err());
        // under --rule the report does not suggest --skip-rule, which --rule refuses
        CliRun chosen = run("--rule", "lock-order.hierarchy", "check", "bdev-jbd2", "--variant", "cancel-revoke-migrate");
        assertEquals(1, chosen.code(), chosen.out() + chosen.err());
        assertFalse(chosen.out().contains("--skip-rule"), chosen.out());
    }

    /** A user's rule reusing a kernel rule id. */
    public static final class ClashingRule implements org.migcheck.properties.Invariant {
        @Override public String id() { return "atomic.sleep"; }
        @Override public String statement() { return "clash"; }
        @Override public String kernelRef() { return "test plugin"; }
        @Override public org.migcheck.properties.Check check(org.migcheck.model.lang.StateView s) { return org.migcheck.properties.Check.ok(); }
    }

    static final String RULE_SERVICE = "META-INF/services/org.migcheck.properties.Rule";

    @Test
    void pluginRulesAreCheckedByEveryCommand(@TempDir Path dir) throws IOException {
        Path cp = services(dir.resolve("rules"), MutexPlugin.class.getName());
        Files.writeString(cp.resolve(RULE_SERVICE), QNeverHoldsA.class.getName() + "\n");
        CliRun check = run("--classpath", cp.toString(), "check", "plugin-mutexes", "--variant", "ordered");
        assertEquals(1, check.code(), check.out() + check.err());
        assertTrue(check.out().contains("VIOLATED plugin.q-never-holds-a"), check.out());
        CliRun list = run("--classpath", cp.toString(), "list");
        assertTrue(list.out().contains("rule plugin.q-never-holds-a"), list.out());
        // the JSON list has what the text list shows: the plugin's rule, and each variant's kind
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(run("--classpath", cp.toString(), "list", "--format", "json").out());
        com.fasterxml.jackson.databind.JsonNode last = json.get("rules").get(json.get("rules").size() - 1);
        assertEquals("plugin.q-never-holds-a", last.get("id").asText(), json.get("rules").toString());
        assertEquals("classpath", last.get("origin").asText());
        assertEquals("invariant", last.get("type").asText());
        assertTrue(json.get("rules").get(0).get("origin").asText().equals("kernel"), json.get("rules").toString());
        // the same rules in the same order as the text list, lock-order.cycle (an analysis, not a Rule object) included
        List<String> textIds = new ArrayList<>();
        Matcher rule = Pattern.compile("(?m)^rule (\\S+)").matcher(list.out());
        while (rule.find()) {
            textIds.add(rule.group(1));
        }
        List<String> jsonIds = new ArrayList<>();
        json.get("rules").forEach(r -> jsonIds.add(r.get("id").asText()));
        assertEquals(textIds, jsonIds);
        assertTrue(jsonIds.contains("lock-order.cycle"), jsonIds.toString());
        assertEquals("analysis", json.get("rules").get(jsonIds.indexOf("lock-order.cycle")).get("type").asText());
        for (com.fasterxml.jackson.databind.JsonNode sc : json.get("scenarios")) {
            if (sc.get("id").asText().equals("fuse-writeback-memcg")) {
                assertEquals("hypothetical", sc.get("variants").get(0).get("kind").asText(), sc.toString());
            }
            if (sc.get("id").asText().equals("plugin-mutexes")) {
                assertTrue(sc.get("variants").get(0).get("kind").isNull(), sc.toString());
            }
        }
        // on a bundled scenario too: philosophers has no mutex named a, so the rule is vacuous there
        assertEquals(0, run("--classpath", cp.toString(), "check", "philosophers", "--variant", "ordered").code());
        Path clash = services(dir.resolve("clash"), MutexPlugin.class.getName());
        Files.writeString(clash.resolve(RULE_SERVICE), ClashingRule.class.getName() + "\n");
        oneLineUsageError(run("--classpath", clash.toString(), "list"), "duplicate rule id atomic.sleep", ClashingRule.class.getName());
    }


    /** A class directory whose rule service file lists {@code classes} (no scenarios). */
    static Path ruleServices(Path dir, String... classes) throws IOException {
        Path f = dir.resolve(RULE_SERVICE);
        Files.createDirectories(f.getParent());
        Files.writeString(f, String.join("\n", classes) + "\n");
        return dir;
    }

    /** A class directory holding only a scenario service file naming {@code classes} (which the test class path provides). */
    static Path services(Path dir, String... classes) throws IOException {
        Path f = dir.resolve(SERVICE);
        Files.createDirectories(f.getParent());
        Files.writeString(f, String.join("\n", classes) + "\n");
        return dir;
    }

    static void oneLineUsageError(CliRun r, String... mentions) {
        assertEquals(64, r.code(), r.out() + r.err());
        for (String m : mentions) {
            assertTrue(r.err().contains(m), r.err());
        }
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r.err());
        // one line names the fault; the only other line is the hint to --help
        assertEquals(1, r.err().lines().filter(l -> !l.startsWith("try ")).count(), r.err());
        assertTrue(r.err().lines().anyMatch(l -> l.contains("--classpath") || l.contains("plugin") || l.contains("duplicate")), r.err());
    }

    @Test
    void everyCommandKnowsAPluginScenario(@TempDir Path dir) throws IOException {
        String cp = services(dir, MutexPlugin.class.getName()).toString();
        CliRun list = run("--classpath", cp, "list");
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().contains("plugin-mutexes") && list.out().contains("philosophers"), list.out());

        CliRun check = run("--classpath", cp, "check", "plugin-mutexes", "--variant", "abba");
        assertEquals(2, check.code(), check.out() + check.err());
        assertTrue(check.out().contains("plugin-mutexes / abba: DEADLOCK (expected: deadlock)"), check.out());
        Matcher m = Pattern.compile("replay: \\./migcheck --classpath (\\S+) replay (\\S+)").matcher(check.out());
        assertTrue(m.find(), check.out());
        assertEquals(cp, m.group(1));
        CliRun replay = run("--classpath", m.group(1), "replay", m.group(2));
        assertEquals(2, replay.code(), replay.err()); // replay exits with the verdict it ends in: DEADLOCK
        assertTrue(replay.out().contains("replay of plugin-mutexes / abba (2 steps)"), replay.out());
        assertTrue(replay.out().contains("blocked in mutex_lock"), replay.out());
        // without the class path the token names an unknown scenario, and the message says what is missing
        CliRun bare = run("replay", m.group(2));
        assertEquals(64, bare.code());
        assertTrue(bare.err().contains("--classpath"), bare.err());

        CliRun json = run("--classpath", cp, "check", "plugin-mutexes", "--variant", "ordered", "--format", "json");
        assertEquals(0, json.code(), json.err());
        assertTrue(json.out().contains("\"plugin-mutexes\""), json.out());
        CliRun html = run("--classpath", cp, "check", "plugin-mutexes", "--format", "html");
        assertEquals(2, html.code(), html.err());
        assertTrue(html.out().contains("<html") && html.out().contains("--classpath " + cp + " replay"), html.out());

        CliRun suite = run("--classpath", cp, "suite", "plugin-mutexes");
        assertEquals(0, suite.code(), suite.out() + suite.err());
        assertTrue(suite.out().contains("2 combinations, 2 as expected, 0 mismatches"), suite.out());
        // four mutex_lock steps, each mutated two ways (no wait, no lock); nothing in this toy model
        // notices a missing lock, so the survivors are unexplained: exit 10
        CliRun mutate = run("--classpath", cp, "mutate", "plugin-mutexes", "--variant", "ordered");
        assertEquals(10, mutate.code(), mutate.err());
        assertTrue(mutate.out().contains("plugin-mutexes / ordered: 8 mutants"), mutate.out());
        CliRun bench = run("--classpath", cp, "bench", "plugin-mutexes", "--repeat", "1");
        assertEquals(0, bench.code(), bench.err());
        assertTrue(bench.out().contains("run 1 plugin-mutexes / abba: deadlock"), bench.out());
    }

    @Test
    void pluginInAJar(@TempDir Path dir) throws IOException {
        Path jar = dir.resolve("plugin.jar");
        try (OutputStream f = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(f)) {
            j.putNextEntry(new JarEntry(SERVICE));
            j.write((MutexPlugin.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            j.closeEntry();
        }
        CliRun check = run("--classpath", jar.toString(), "check", "plugin-mutexes", "--variant", "ordered");
        assertEquals(0, check.code(), check.out() + check.err());
        assertTrue(check.out().contains("plugin-mutexes / ordered: HOLDS (expected: holds)"), check.out());
    }

    @Test
    void brokenPluginsAreOneLineUsageErrors(@TempDir Path dir) throws IOException {
        Path missing = services(dir.resolve("missing"), "org.example.NoSuchScenario");
        oneLineUsageError(run("--classpath", missing.toString(), "list"), "org.example.NoSuchScenario");
        Path dup = services(dir.resolve("dup"), DuplicatePlugin.class.getName());
        oneLineUsageError(run("--classpath", dup.toString(), "check", "philosophers"), "duplicate scenario id philosophers",
                DuplicatePlugin.class.getName());
        Path twice = services(dir.resolve("twice"), MutexPlugin.class.getName());
        Path twice2 = services(dir.resolve("twice2"), TwinPlugin.class.getName());
        oneLineUsageError(run("--classpath", twice + java.io.File.pathSeparator + twice2, "list"), "duplicate scenario id plugin-mutexes",
                TwinPlugin.class.getName(), MutexPlugin.class.getName());
        Path broken = services(dir.resolve("broken"), BrokenPlugin.class.getName());
        oneLineUsageError(run("--classpath", broken.toString(), "list"), BrokenPlugin.class.getName(), "cannot start");
        Path untitled = services(dir.resolve("untitled"), UntitledPlugin.class.getName());
        for (String format : new String[] {"text", "json"}) {
            CliRun list = run("--classpath", untitled.toString(), "list", "--format", format);
            oneLineUsageError(list, UntitledPlugin.class.getName(), "fails to describe itself", "no title yet");
            assertEquals("", list.out(), "nothing listed before the refusal");
        }
        oneLineUsageError(run("--classpath", dir.resolve("nowhere").toString(), "list"), "--classpath entry", "does not exist");
        // a JDK class: ServiceLoader passes over classes of named modules without a word
        Path jdk = services(dir.resolve("jdk"), "java.lang.String");
        oneLineUsageError(run("--classpath", jdk.toString(), "list"), "scenario plugin java.lang.String", "was not loaded");
        Path jdkRule = services(dir.resolve("jdkrule"), MutexPlugin.class.getName());
        Files.writeString(jdkRule.resolve(RULE_SERVICE), "# a comment\njava.lang.Object\n");
        oneLineUsageError(run("--classpath", jdkRule.toString(), "check", "--all"), "rule plugin java.lang.Object", "was not loaded");
    }

    @Test
    void bundledCommandsNeedNoClasspath() {
        CliRun r = run("check", "philosophers", "--variant", "ordered");
        assertEquals(0, r.code(), r.err());
        assertNotNull(r.out());
        assertFalse(r.out().contains("--classpath"), r.out());
    }

    /**
     * What a user's own code does wrong is answered as theirs, never as an internal error (70): a build
     * that throws is a MODEL_ERROR naming the scenario, knobs, exception and the user's line; a build
     * that returns null likewise; a class the build needs that cannot be loaded is a usage error naming
     * it; a suite whose combinations reach no verdict is not green; a rule without an id is refused.
     */
    @Test
    void failuresOfTheUsersCodeAreNamedAsTheirs(@TempDir Path dir) throws IOException {
        String cp = services(dir.resolve("throws"), ThrowingPlugin.class.getName()).toString();
        CliRun npe = run("--classpath", cp, "check", "plugin-throws", "--set", "mode=0");
        assertEquals(5, npe.code(), npe.out() + npe.err());
        String flat = npe.out().replaceAll("\\s+", " ");
        assertTrue(flat.contains("MODEL_ERROR") && flat.contains("scenario plugin-throws {mode=0}: building the model threw"
                + " java.lang.NullPointerException"), npe.out());
        assertTrue(flat.contains("at " + ThrowingPlugin.class.getName() + ".build(PluginTest.java:"), npe.out());
        assertFalse((npe.out() + npe.err()).contains("internal error"), npe.out() + npe.err());
        CliRun nul = run("--classpath", cp, "check", "plugin-throws", "--set", "mode=1");
        assertEquals(5, nul.code(), nul.out() + nul.err());
        assertTrue(nul.out().replaceAll("\\s+", " ").contains("build returned no model"), nul.out());
        CliRun gone = run("--classpath", cp, "check", "plugin-throws", "--set", "mode=2");
        assertEquals(64, gone.code(), gone.out() + gone.err());
        assertEquals("migcheck: scenario plugin-throws needs class org.example.Gone, which cannot be loaded (is every jar it uses on"
                + " --classpath?)", gone.err().strip());
        // every command that builds the model says the same, exit 5
        for (String[] cmd : new String[][] {{"export", "--promela", "plugin-throws", "--set", "mode=0"},
                {"mutate", "plugin-throws", "--set", "mode=0"}, {"bench", "plugin-throws", "--set", "mode=0", "--repeat", "1"},
                {"replay", "plugin-throws:-:mode=0:0"}}) {
            String[] args = new String[cmd.length + 2];
            args[0] = "--classpath";
            args[1] = cp;
            System.arraycopy(cmd, 0, args, 2, cmd.length);
            CliRun r = run(args);
            assertEquals(5, r.code(), cmd[0] + ": " + r.out() + r.err());
            assertTrue(r.err().contains("model error: scenario plugin-throws {mode=0}: building the model threw java.lang.NullPointerException"),
                    cmd[0] + ": " + r.err());
        }
        CliRun expect = run("--classpath", cp, "check", "plugin-throws", "--set", "mode=4");
        assertEquals(5, expect.code(), expect.out() + expect.err());
        assertTrue(expect.out().replaceAll("\\s+", " ").contains("its expectation threw java.lang.IllegalStateException: no expectation"),
                expect.out());
        // a static initialiser that throws: a model error the first time and every later time (the JVM then says
        // "Could not initialize class"), never a missing jar
        for (int i = 0; i < 2; i++) {
            CliRun init = run("--classpath", cp, "check", "plugin-throws", "--set", "mode=5");
            assertEquals(5, init.code(), i + ": " + init.out() + init.err());
        }

        // Errors that are still the user's code, not migcheck's: a class compiled against another version of a class it
        // calls, a step effect's runaway recursion; and check --all reports them as one case and goes on
        CliRun linkage = run("--classpath", cp, "check", "plugin-throws", "--set", "mode=6");
        assertEquals(5, linkage.code(), linkage.out() + linkage.err());
        assertTrue(linkage.out().replaceAll("\\s+", " ").contains("building the model threw java.lang.NoSuchMethodError:"
                + " 'java.lang.String org.example.Helper.name()' at " + ThrowingPlugin.class.getName() + ".build("), linkage.out());
        assertTrue(linkage.out().replaceAll("\\s+", " ").contains("rebuild them together"), linkage.out());
        CliRun deep = run("--classpath", cp, "check", "plugin-throws", "--set", "mode=7");
        assertEquals(5, deep.code(), deep.out() + deep.err());
        assertTrue(deep.out().replaceAll("\\s+", " ").contains("the effect of deep_call in kworker/u16:3 threw java.lang.StackOverflowError"
                + " at " + PluginTest.class.getName() + ".recurse(PluginTest.java:"), deep.out());
        assertFalse((linkage.out() + linkage.err() + deep.out() + deep.err()).contains("internal error"));
        // mutate of a model that breaks in its unmutated check: exit 5, and the check's own report in the format asked for
        CliRun mutated = run("--classpath", cp, "mutate", "plugin-throws", "--set", "mode=7", "--format", "json");
        assertEquals(5, mutated.code(), mutated.out() + mutated.err());
        com.fasterxml.jackson.databind.JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(mutated.out());
        assertEquals("check", doc.get("kind").asText(), mutated.out());
        assertTrue(doc.get("message").asText().contains("StackOverflowError"), mutated.out());
        // the heap running out before the search: INCOMPLETE (exit 4), and a report in the format asked for
        CliRun oom = run("--classpath", cp, "check", "plugin-throws", "--set", "mode=8", "--format", "junit");
        assertEquals(4, oom.code(), oom.out() + oom.err());
        assertTrue(oom.out().contains("<failure type=\"no-verdict\"") && oom.out().contains("out of memory while building the model"),
                oom.out());

        CliRun junit = run("--classpath", cp, "check", "plugin-throws", "--set", "mode=0", "--format", "junit");
        assertEquals(5, junit.code(), junit.out() + junit.err());
        // a model error is JUnit's <error> (the model's fault), counted apart from failures
        assertTrue(junit.out().contains("failures=\"0\" errors=\"1\"") && junit.out().contains("<error type=\"model-error\" message=\"model error: "),
                junit.out());
        CliRun sarif = run("--classpath", cp, "check", "plugin-throws", "--set", "mode=0", "--format", "sarif");
        assertTrue(sarif.out().contains("\"level\" : \"error\"") || sarif.out().contains("\"level\":\"error\""), sarif.out());

        Path rules = services(dir.resolve("nullrule"), MutexPlugin.class.getName());
        Files.writeString(rules.resolve(RULE_SERVICE), NullIdRule.class.getName() + "\n");
        oneLineUsageError(run("--classpath", rules.toString(), "list"), "rule plugin " + NullIdRule.class.getName() + " has id 'null'");
    }

    /** A suite over knobs without expectations: combinations that reach no verdict fail it (exit 10). */
    @Test
    void aSuiteWithoutExpectationsFailsOnModelErrors(@TempDir Path dir) throws IOException {
        String cp = services(dir.resolve("throws"), ThrowingPlugin.class.getName()).toString();
        CliRun ok = run("--classpath", cp, "suite", "plugin-throws", "--set", "mode=3");
        assertEquals(0, ok.code(), ok.out() + ok.err());
        CliRun bad = run("--classpath", cp, "check", "plugin-throws", "--set", "mode=1");
        assertEquals(5, bad.code(), bad.out());
        CliRun suite = run("--classpath", cp, "suite", "plugin-throws", "--set", "mode=1");
        assertEquals(10, suite.code(), suite.out() + suite.err());
        assertTrue(suite.out().contains("1 combination, 0 as expected, 0 mismatches, 1 without a verdict (model error or budget)"),
                suite.out());
        assertTrue(suite.out().contains("NO VERDICT"), suite.out());
        // and says why, as check does: the combination's report follows the table
        assertTrue(suite.out().replaceAll("\\s+", " ").contains("scenario plugin-throws {mode=1}: build returned no model"), suite.out());
        CliRun npe = run("--classpath", cp, "suite", "plugin-throws", "--set", "mode=0");
        assertTrue(npe.out().replaceAll("\\s+", " ").contains("building the model threw java.lang.NullPointerException"), npe.out());
    }

    /**
     * Started by the launcher from another directory (a user's project), the replay line names the
     * launcher by its path, so that it can be pasted where the command ran; from the launcher's own
     * directory it stays ./migcheck.
     */
    @Test
    void replayLinesNameTheLauncherWhenItRunsFromElsewhere(@TempDir Path dir) throws IOException {
        String cp = services(dir.resolve("cp"), MutexPlugin.class.getName()).toString();
        Path launcher = dir.resolve("migcheck home").resolve("migcheck");
        String before = System.getProperty("migcheck.launcher");
        try {
            System.setProperty("migcheck.launcher", launcher.toString());
            CliRun bundled = run("check", "abba");
            assertTrue(bundled.out().contains("replay: " + ScenarioRunner.shellQuote(launcher.toString()) + " replay abba:"), bundled.out());
            CliRun user = run("--classpath", cp, "check", "plugin-mutexes", "--variant", "abba");
            assertTrue(user.out().contains("replay: " + ScenarioRunner.shellQuote(launcher.toString()) + " --classpath " + ScenarioRunner.shellQuote(cp) + " replay plugin-mutexes:"),
                    user.out());
            System.setProperty("migcheck.launcher", Path.of("").toAbsolutePath().resolve("migcheck").toString());
            assertTrue(run("check", "abba").out().contains("replay: ./migcheck replay abba:"));
        } finally {
            if (before == null) {
                System.clearProperty("migcheck.launcher");
            } else {
                System.setProperty("migcheck.launcher", before);
            }
        }
    }

    /** The replay line of every report format a user pastes names --classpath, shell-quoted when the path needs it. */
    @Test
    void replayLinesOfEveryFormatNameTheClasspath(@TempDir Path dir) throws IOException {
        String cp = services(dir.resolve("with space"), MutexPlugin.class.getName()).toString();
        String quoted = "'" + cp + "'";
        String quotedXml = "&apos;" + cp + "&apos;"; // as XML and HTML text escape the quotes
        CliRun text = run("--classpath", cp, "check", "plugin-mutexes", "--variant", "abba");
        assertTrue(text.out().contains("replay: ./migcheck --classpath " + quoted + " replay plugin-mutexes:abba"), text.out());
        CliRun junit = run("--classpath", cp, "check", "plugin-mutexes", "--variant", "abba", "--format", "junit");
        assertTrue(junit.out().contains("./migcheck --classpath " + quotedXml + " replay plugin-mutexes:abba"), junit.out());
        CliRun sarif = run("--classpath", cp, "check", "plugin-mutexes", "--variant", "abba", "--format", "sarif");
        assertTrue(sarif.out().contains("./migcheck --classpath " + quoted + " replay plugin-mutexes:abba"), sarif.out());
        CliRun suite = run("--classpath", cp, "suite", "plugin-mutexes", "--format", "junit");
        assertTrue(suite.out().contains("./migcheck --classpath " + quotedXml + " replay plugin-mutexes:abba"), suite.out());
        CliRun html = run("--classpath", cp, "check", "plugin-mutexes", "--variant", "abba", "--format", "html");
        assertTrue(html.out().contains("./migcheck --classpath " + quotedXml + " replay plugin-mutexes:abba"), html.out());
        assertEquals("'a'\\''b c'", org.migcheck.checker.run.ScenarioRunner.shellQuote("a'b c"));
        // a tab in the path: JSON and XML stay well-formed and carry it
        String tab = services(dir.resolve("tab\there"), MutexPlugin.class.getName()).toString();
        CliRun sarifTab = run("--classpath", tab, "check", "plugin-mutexes", "--variant", "abba", "--format", "sarif");
        String replayProp = new com.fasterxml.jackson.databind.ObjectMapper().readTree(sarifTab.out()).findValue("replay").asText();
        assertTrue(replayProp.startsWith("./migcheck --classpath '" + tab + "' replay plugin-mutexes:abba:"), replayProp);
        CliRun junitTab = run("--classpath", tab, "check", "plugin-mutexes", "--variant", "abba", "--format", "junit");
        try {
            javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new java.io.ByteArrayInputStream(junitTab.out().getBytes(StandardCharsets.UTF_8)));
        } catch (javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException e) {
            throw new AssertionError("JUnit XML with a tab in --classpath: " + e + "\n" + junitTab.out(), e);
        }
    }

    /** Mistakes a new user makes on the command line get a line that says what to do. */
    @Test
    void commonSlipsAreExplained(@TempDir Path dir) throws IOException {
        String cp = services(dir.resolve("mutex"), MutexPlugin.class.getName()).toString();
        CliRun late = run("check", "plugin-mutexes", "--classpath", cp);
        assertEquals(64, late.code(), late.err());
        assertTrue(late.err().contains("--classpath goes before the command: migcheck --classpath JARS_OR_DIRS check"), late.err());
        CliRun lateRule = run("check", "abba", "--rule", "atomic.sleep");
        assertEquals(64, lateRule.code(), lateRule.err());
        assertTrue(lateRule.err().contains("--rule goes before the command: migcheck --rule ID[,ID...] check"), lateRule.err());
        CliRun unknown = run("check", "plugin-mutexes");
        assertEquals(64, unknown.code(), unknown.err());
        assertTrue(unknown.err().contains("unknown scenario 'plugin-mutexes'") && unknown.err().contains("needs --classpath before the command"),
                unknown.err());
        // --classpath given, but none of its entries registers a scenario (no services file, or one misnamed)
        Path bare = Files.createDirectories(dir.resolve("no-services"));
        CliRun unregistered = run("--classpath", bare.toString(), "check", "plugin-mutexes");
        assertEquals(64, unregistered.code(), unregistered.err());
        assertTrue(unregistered.err().contains("(--classpath registers no scenario: its entries have no META-INF/services/"
                + "org.migcheck.model.scenarios.Scenario naming one)"), unregistered.err());
        CliRun twice = run("--classpath", cp, "suite", "plugin-mutexes", "--vary", "sameOrder", "--vary", "sameOrder");
        assertEquals(64, twice.code(), twice.out() + twice.err());
        assertTrue(twice.err().contains("knob sameOrder is given to --vary twice"), twice.err());
        CliRun empty = run("--classpath", cp, "check", "plugin-mutexes", "--set", "sameOrder=");
        assertEquals(64, empty.code(), empty.err());
        assertTrue(empty.err().contains("takes [false, true], not an empty value"), empty.err());
        Path stray = services(dir.resolve("stray"), StrayKnobPlugin.class.getName());
        oneLineUsageError(run("--classpath", stray.toString(), "list"), "scenario plugin " + StrayKnobPlugin.class.getName()
                + ", variant stray: scenario plugin-stray has no knob sameOrdr");
        Path twins = services(dir.resolve("twins"), TwinVariantsPlugin.class.getName());
        oneLineUsageError(run("--classpath", twins.toString(), "list"), "scenario plugin " + TwinVariantsPlugin.class.getName()
                + " (plugin-twins) has two variants named v");
        Path comma = services(dir.resolve("comma"), MutexPlugin.class.getName());
        Files.writeString(comma.resolve(RULE_SERVICE), CommaIdRule.class.getName() + "\n");
        oneLineUsageError(run("--classpath", comma.toString(), "list"), "rule plugin " + CommaIdRule.class.getName()
                + " has id 'plugin.a,b'; an id is non-empty, without spaces, control characters or ','");
    }
}
