package org.migcheck.checker.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.migcheck.checker.run.ScenarioRegistry;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Verdict;
import org.migcheck.model.scenarios.Scenario;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code migcheck} command line. Exit codes: one per verdict (see {@link Verdict} and the README),
 * 64 for usage errors (one line and a hint, never the whole usage), 70 for internal errors.
 *
 * <p>Every subcommand lives in its own class with {@code mixinStandardHelpOptions} (so {@code -h} and
 * {@code --help} work everywhere) and reuses the shared pieces: {@link VariantArgs} (scenario,
 * variant, knobs), {@link SearchOptions} (strategy and budgets), {@link OutputOptions} (format and
 * width) and {@link Args} (range-checked converters and {@link Args#usage}).
 */
@Command(name = "migcheck", mixinStandardHelpOptions = true, version = "migcheck 0.1.0",
        description = "Model checker for the locking rules of Linux memory management.",
        subcommands = {CommandLine.HelpCommand.class, ListCmd.class, CheckCmd.class, SuiteCmd.class, MutateCmd.class,
                ReplayCmd.class, BenchCmd.class, ExportCmd.class, MemberCmd.class})
public final class Main implements Callable<Integer> {

    /** Exit code of an internal error (a bug in migcheck, reported in one line). */
    public static final int INTERNAL_EXIT = 70;

    /** Exit code when the report could not be written (standard output full or closed): sysexits' EX_IOERR. */
    public static final int IO_EXIT = 74;

    public static void main(String[] args) {
        try {
            mainInner(args);
        } catch (OutOfMemoryError oom) {
            // before run's own handler is in place (building the command line on a tiny heap): INCOMPLETE, not the
            // JVM's exit 1, which reads as VIOLATED
            try {
                System.err.println(OUT_OF_MEMORY);
            } finally {
                Runtime.getRuntime().halt(Verdict.INCOMPLETE.exitCode());
            }
        }
    }

    static final String OUT_OF_MEMORY = "migcheck: out of memory, no verdict (INCOMPLETE): lower a bound (--max-depth, a knob) or give"
            + " the JVM more heap (MIGCHECK_JAVA_OPTS=-Xmx...)";

    /**
     * The charset of text on standard output: the terminal's or the locale's, as System.out's. Java 19 and later name it
     * {@code stdout.encoding} (and no longer set {@code sun.stdout.encoding}); their default charset is UTF-8 whatever
     * the locale, so falling back to it wrote a Latin-1 locale's replay line in UTF-8, naming a path that does not exist.
     * Java 17 has only {@code native.encoding} (the locale's) beside the default charset, which is the locale's there.
     */
    static java.nio.charset.Charset textCharset(java.util.Properties p) {
        for (String key : new String[] {"stdout.encoding", "sun.stdout.encoding", "native.encoding"}) {
            String enc = p.getProperty(key);
            try {
                if (enc != null && java.nio.charset.Charset.isSupported(enc)) {
                    return java.nio.charset.Charset.forName(enc);
                }
            } catch (java.nio.charset.IllegalCharsetNameException e) {
                // a name no charset can have: try the next
            }
        }
        return java.nio.charset.Charset.defaultCharset();
    }

    private static void mainInner(String[] args) {
        // standard output through a sink that keeps the first write failure, so that a reader closing the pipe on
        // purpose (| head) can be told from a full disk; System.out's PrintStream would keep only a flag
        Sink sink = new Sink(new java.io.FileOutputStream(java.io.FileDescriptor.out));
        java.nio.charset.Charset cs = textCharset(System.getProperties());
        Counted counted = new Counted(new java.io.BufferedOutputStream(sink, 1 << 16));
        PrintStream out = new PrintStream(counted, true, cs);
        // documents are UTF-8 whatever the locale's charset (a C locale's is ASCII, which wrote '?' for every other
        // character): JSON and SARIF are UTF-8 by their specifications, the JUnit XML and HTML say so in their headers
        utf8Out = cs.equals(java.nio.charset.StandardCharsets.UTF_8) ? null
                : new PrintStream(counted, true, java.nio.charset.StandardCharsets.UTF_8);
        // a check whose model or rule code never returns would outlive --time-limit: end the process, INCOMPLETE
        org.migcheck.checker.run.Overrun.onOverrun(message -> endIncomplete(Streams.out, message, true));
        // SIGINT (Ctrl-C) and SIGTERM (a CI job's timeout): every search stops as at a budget and the command writes its
        // report, INCOMPLETE, with what it explored, in the format asked (an empty JSON or JUnit file helps no pipeline);
        // the exit code is then the report's. A member process (which serves others) just ends.
        java.util.concurrent.CountDownLatch reported = new java.util.concurrent.CountDownLatch(1);
        int[] code = {INTERNAL_EXIT};
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (reported.getCount() == 0 || !waitOnSignal) {
                return; // the command ended by itself (System.exit runs this hook too), or a member was told to go
            }
            org.migcheck.checker.engine.Budget.stopAll(SIGNALLED);
            System.err.println("migcheck: interrupted (SIGINT or SIGTERM): a search under way stops as at a budget, and the command"
                    + " ends with its report (INCOMPLETE where a search was cut), at most " + SIGNAL_GRACE_SECONDS + " s from now");
            System.err.flush();
            try {
                // the grace runs again while the command goes on writing (a long report, a slow reader): what it writes
                // is the report, and a second document must not follow it
                long seen = -1;
                while (counted.written() != seen) {
                    seen = counted.written();
                    if (reported.await(SIGNAL_GRACE_SECONDS, java.util.concurrent.TimeUnit.SECONDS)) {
                        out.flush();
                        Runtime.getRuntime().halt(code[0]);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // the search did not stop: model or rule code that never returns, which no budget interrupts. End as the
            // watchdog does: the document a pipeline asked for, INCOMPLETE (an empty JSON or JUnit file helps no one)
            // (a command that wrote part of its report gets no second document after it: the part stands, cut)
            endIncomplete(Streams.out, "interrupted (SIGINT or SIGTERM), and the check did not stop within " + SIGNAL_GRACE_SECONDS
                    + " s (model or rule code that does not return?): no verdict", counted.written() == 0);
        }, "migcheck-signal"));
        code[0] = run(args, out, System.err, sink::failure);
        reported.countDown();
        System.exit(code[0]);
    }

    /**
     * Ends the process INCOMPLETE (exit 4) with {@code message} on standard error and, when {@code document} and a
     * command set {@link #overrunDocument}, that document: a pipeline that asked for JSON, JUnit XML, SARIF or HTML gets
     * its report, not an empty file (the watchdog's way out of a check that never returns, and a signal's).
     */
    private static void endIncomplete(PrintStream out, String message, boolean document) {
        System.err.println("migcheck: " + message);
        System.err.flush();
        java.util.function.UnaryOperator<String> doc = overrunDocument;
        if (document && doc != null) {
            try {
                out.print(doc.apply(message));
                out.flush();
            } catch (RuntimeException | LinkageError e) {
                System.err.println("migcheck: no report could be written: " + e);
            }
        }
        java.util.function.Consumer<String> files = overrunReports;
        if (files != null) {
            // the --report files, in every case: the command's own write of them had not begun (else this is null there)
            try {
                files.accept(message);
            } catch (RuntimeException | LinkageError e) {
                System.err.println("migcheck: no --report file could be written: " + e);
            }
        }
        Runtime.getRuntime().halt(Verdict.INCOMPLETE.exitCode());
    }

    /** What a report names as the limit reached when a signal stopped the command. */
    static final String SIGNALLED = "an interrupt (SIGINT or SIGTERM)";

    /** How long a signalled command has to write its report before the process ends without one. */
    static final int SIGNAL_GRACE_SECONDS = 20;

    /** False in a member process: a signal ends it at once (its coordinators see it lost), with no report of its own. */
    static volatile boolean waitOnSignal = true;

    /**
     * The report a command writes when the watchdog ends a check whose model or rule code never returns (given the
     * watchdog's one-line reason), or null: {@code check SCENARIO} sets it for the formats other than text, whose
     * line on standard error is the report.
     */
    static volatile java.util.function.UnaryOperator<String> overrunDocument;

    /**
     * What writes the {@code --report} files when the watchdog or a signal ends the process ({@link
     * ReportFiles#onOverrun}), given the same reason, or null: set with {@link #overrunDocument} by the commands that
     * write them, also where standard output gets text.
     */
    static volatile java.util.function.Consumer<String> overrunReports;

    /** An output stream that counts the bytes written through it (before any buffer below it). */
    static final class Counted extends java.io.FilterOutputStream {
        private volatile long written;

        Counted(java.io.OutputStream out) { super(out); }

        long written() { return written; }

        @Override public void write(int b) throws java.io.IOException {
            out.write(b);
            written++;
        }

        @Override public void write(byte[] b, int off, int len) throws java.io.IOException {
            out.write(b, off, len);
            written += len;
        }
    }

    /** An output stream that remembers the first {@link java.io.IOException} of its writes. */
    static final class Sink extends java.io.FilterOutputStream {
        private volatile java.io.IOException failure;

        Sink(java.io.OutputStream out) { super(out); }

        java.io.IOException failure() { return failure; }

        @Override public void write(int b) throws java.io.IOException {
            try {
                out.write(b);
            } catch (java.io.IOException e) {
                throw kept(e);
            }
        }

        @Override public void write(byte[] b, int off, int len) throws java.io.IOException {
            try {
                out.write(b, off, len);
            } catch (java.io.IOException e) {
                throw kept(e);
            }
        }

        @Override public void flush() throws java.io.IOException {
            try {
                out.flush();
            } catch (java.io.IOException e) {
                throw kept(e);
            }
        }

        private java.io.IOException kept(java.io.IOException e) {
            if (failure == null) {
                failure = e;
            }
            return e;
        }
    }

    /**
     * Runs the command line with the given streams; returns the exit code. A command line's output streams and
     * switches ({@code --no-timings}) are the process's while it runs, so calls from several threads of one JVM (tests
     * run in parallel) run one at a time, each writing only to its own streams; when a call returns, the switches are
     * as before it (a review saw two concurrent calls write into each other's streams, and a {@code --no-timings} run
     * leave later reports of the JVM without times). Checks through the Java API ({@code Migcheck}, {@code Checker})
     * do not wait for this: they run at once, beside it and each other.
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, () -> null);
    }

    /**
     * One in-process command line at a time: {@link Streams} and the timings switch are the process's. A caller waits
     * for it interruptibly: a test runner's timeout ends the wait (a command line that never returns, as a {@code member}
     * does, or one stuck in model code without a time limit, holds it).
     */
    private static final java.util.concurrent.locks.ReentrantLock ONE_COMMAND_LINE = new java.util.concurrent.locks.ReentrantLock();

    /**
     * As {@link #run(String[], PrintStream, PrintStream)}; {@code writeFailure} tells why writing to {@code out}
     * failed, when it did (null when unknown).
     */
    public static int run(String[] args, PrintStream out, PrintStream err, java.util.function.Supplier<java.io.IOException> writeFailure) {
        try {
            ONE_COMMAND_LINE.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("migcheck: interrupted while waiting for another command line of this JVM to end: not run");
            return Verdict.INCOMPLETE.exitCode();
        }
        PrintStream wasOut = Streams.out;
        PrintStream wasErr = Streams.err;
        PrintStream wasText = textOut;
        boolean timings = org.migcheck.checker.trace.Timings.processWide();
        try {
            return runAlone(args, out, err, writeFailure);
        } finally {
            overrunDocument = null;
            overrunReports = null;
            org.migcheck.checker.trace.Timings.show(timings);
            Streams.out = wasOut;
            Streams.err = wasErr;
            textOut = wasText;
            ONE_COMMAND_LINE.unlock();
        }
    }

    /**
     * Why an {@code @FILE} argument cannot be read, or null. picocli reads the file of every {@code @FILE} argument it can
     * read (else it takes the text as it is), and a file that fails when read (a directory, a file of /proc) ended in its
     * stack trace and exit 1, which reads as VIOLATED.
     */
    static String argumentFileProblem(String[] args) {
        return argumentFileProblem(java.util.Arrays.asList(args), new java.util.HashSet<>());
    }

    /** As {@link #argumentFileProblem(String[])}, also for the @FILE arguments inside the files read ({@code seen}: those read). */
    private static String argumentFileProblem(List<String> args, java.util.Set<String> seen) {
        for (String a : args) {
            if (a == null || !a.startsWith("@") || a.startsWith("@@")) {
                continue; // @@x is the text @x
            }
            java.io.File f = new java.io.File(a.substring(1));
            if (!f.canRead()) {
                continue; // picocli passes it on as it is: the command names it
            }
            if (f.isDirectory()) {
                return "argument file " + a + " is a directory (@FILE reads the arguments from a file)";
            }
            if (!f.isFile()) {
                continue; // a pipe (@<(...)) is read once, by picocli
            }
            String text;
            try {
                text = java.nio.file.Files.readString(f.toPath(), java.nio.charset.StandardCharsets.ISO_8859_1);
            } catch (java.io.IOException e) {
                return "argument file " + a + " cannot be read: " + e.getMessage();
            }
            if (seen.add(f.getAbsolutePath()) && seen.size() <= 16) {
                // picocli reads the @FILE arguments inside a file too, split as it splits them: words, quoted text as
                // one word, '#' to the end of the line a comment
                List<String> inner = new ArrayList<>();
                java.io.StreamTokenizer tok = new java.io.StreamTokenizer(new java.io.StringReader(text));
                tok.resetSyntax();
                tok.wordChars(' ', 255);
                tok.whitespaceChars(0, ' ');
                tok.quoteChar('"');
                tok.quoteChar('\'');
                tok.commentChar('#');
                try {
                    while (tok.nextToken() != java.io.StreamTokenizer.TT_EOF) {
                        inner.add(tok.sval);
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e); // a StringReader does not fail
                } catch (StackOverflowError e) {
                    // the tokenizer calls itself once per comment: picocli's reading of the same file would end in an
                    // internal error (exit 70) further on
                    return "argument file " + a + " has more comment lines in a row than the command line's reader takes";
                }
                String problem = argumentFileProblem(inner, seen);
                if (problem != null) {
                    return problem + ", named in " + a;
                }
            }
        }
        return null;
    }

    private static int runAlone(String[] args, PrintStream out, PrintStream err, java.util.function.Supplier<java.io.IOException> writeFailure) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setParameterExceptionHandler(Main::usageError);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        describeFormats(cl);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof ScenarioRunner.ClassMissing cm) {
                cmd.getErr().println("migcheck: " + cm.getMessage());
                return Verdict.USAGE_EXIT;
            }
            if (ex instanceof org.migcheck.model.lang.ModelError me) {
                // a model (a scenario's build) that is malformed, reaching a command that has no report for it
                cmd.getErr().println("migcheck " + cmd.getCommandName() + ": model error: " + me.getMessage());
                return Verdict.MODEL_ERROR.exitCode();
            }
            cmd.getErr().println("migcheck " + cmd.getCommandName() + ": internal error: " + ex);
            return INTERNAL_EXIT;
        });
        // every command answers -V as the top level does (picocli's mixin would print nothing there)
        for (CommandLine sub : cl.getSubcommands().values()) {
            sub.getCommandSpec().version(cl.getCommandSpec().version());
        }
        Streams.out = out;
        textOut = out;
        org.migcheck.checker.trace.Timings.show(true); // until a command's --no-timings says otherwise
        Streams.err = err;
        String atFile = argumentFileProblem(args);
        if (atFile != null) {
            err.println("migcheck: " + atFile);
            return Verdict.USAGE_EXIT;
        }
        try {
            int code = cl.execute(args);
            if (out.checkError() | Streams.out.checkError()) {
                // a PrintStream keeps write failures to itself: without this a full disk gave a truncated report and exit 0
                java.io.IOException why = writeFailure.get();
                if (why != null && "Broken pipe".equals(why.getMessage())) {
                    return code; // the reader closed the pipe (| head, grep -q): it chose to stop reading
                }
                err.println("migcheck: the report could not be written to standard output" + (why == null || why.getMessage() == null
                        ? "" : " (" + why.getMessage() + ")") + ": no report");
                return IO_EXIT;
            }
            return code;
        } catch (OutOfMemoryError oom) {
            // outside the searches, which end INCOMPLETE themselves: still a budget, never another verdict
            err.println(OUT_OF_MEMORY);
            return Verdict.INCOMPLETE.exitCode();
        } catch (NoClassDefFoundError e) {
            // outside a scenario's build (ScenarioRunner.ClassMissing names the scenario there), e.g. a plugin rule's class
            String what = String.valueOf(e.getMessage());
            if (what.startsWith("Could not initialize class") || ((Main) cl.getCommand()).classpathArgs.isEmpty()) {
                err.println("migcheck: internal error: " + e); // not a jar missing from --classpath: ours
                return INTERNAL_EXIT;
            }
            err.println("migcheck: class " + what.replace('/', '.') + " cannot be loaded (is every jar on --classpath?)");
            return Verdict.USAGE_EXIT;
        } catch (Error e) {
            // picocli passes Errors through; from a plugin's code (AssertionError, NoClassDefFoundError) or ours: never exit 1
            err.println("migcheck: internal error: " + e);
            return INTERNAL_EXIT;
        }
    }

    /**
     * What each command's --format writes, for its help (the option is a shared mixin); the same sets as
     * the commands' {@link OutputOptions#require} calls, which CliTest checks against this help.
     */
    static final Map<String, String> FORMATS = Map.of(
            "check", "text (default), json (docs/report.schema.json), junit (JUnit XML), sarif (SARIF 2.1.0), or html (one"
                    + " scenario, not --all)",
            "suite", "text (default), json (docs/report.schema.json), junit (JUnit XML) or sarif (SARIF 2.1.0)",
            "mutate", "text (default), json (docs/report.schema.json), junit (JUnit XML) or sarif (SARIF 2.1.0); with --all"
                    + " text or json",
            "list", "text (default) or json",
            "replay", "text only (the option is accepted for symmetry with the other commands)");

    private static void describeFormats(CommandLine root) {
        for (Map.Entry<String, CommandLine> e : root.getSubcommands().entrySet()) {
            CommandLine.Model.CommandSpec s = e.getValue().getCommandSpec();
            CommandLine.Model.OptionSpec old = s.findOption("--format");
            if (old == null) {
                continue;
            }
            String text = FORMATS.get(e.getKey());
            if (text == null) {
                throw new IllegalStateException("no --format description for command " + e.getKey());
            }
            s.remove(old);
            s.addOption(CommandLine.Model.OptionSpec.builder(old).description(text).build());
        }
    }

    /** One line naming the fault, one line with the hint; exit 64. */
    /** The commands that read --rule and --skip-rule (before them): only for these is "it goes before the command" a hint. */
    private static final java.util.Set<String> RULE_COMMANDS = java.util.Set.of("check", "suite", "mutate", "replay", "bench");

    private static int usageError(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String path = cmd.getCommandSpec().qualifiedName();
        String msg = ex.getMessage() == null ? "bad arguments" : ex.getMessage().strip().replace('\n', ' ');
        if (ex instanceof CommandLine.UnmatchedArgumentException u && cmd.getCommandSpec().parent() == null
                && !u.getUnmatched().isEmpty() && !u.getUnmatched().get(0).startsWith("-")) {
            msg = "unknown command '" + u.getUnmatched().get(0) + "'; commands: " + String.join(", ", cmd.getSubcommands().keySet());
        } else if (ex instanceof CommandLine.UnmatchedArgumentException u && u.getUnmatched().stream().anyMatch(a -> a.startsWith("--classpath"))) {
            msg += " (--classpath goes before the command: migcheck --classpath JARS_OR_DIRS " + cmd.getCommandName() + " ...)";
        } else if (ex instanceof CommandLine.UnmatchedArgumentException u && RULE_COMMANDS.contains(cmd.getCommandName())
                && u.getUnmatched().stream().anyMatch(a -> a.startsWith("--rule"))) {
            msg += " (--rule goes before the command: migcheck --rule ID[,ID...] " + cmd.getCommandName() + " ...)";
        } else if (ex instanceof CommandLine.UnmatchedArgumentException u && RULE_COMMANDS.contains(cmd.getCommandName())
                && u.getUnmatched().stream().anyMatch(a -> a.startsWith("--skip-rule"))) {
            msg += " (--skip-rule goes before the command: migcheck --skip-rule ID[,ID...] " + cmd.getCommandName() + " ...)";
        }
        if (msg.length() > 2_000) {
            // an argument echoed whole (a 5,000-character variant name, a 700 KB token) made a line no one reads: its start
            // and its end, where the messages say what is known
            msg = msg.substring(0, 1_200) + " [... " + (msg.length() - 1_600) + " characters ...] " + msg.substring(msg.length() - 400);
        }
        // control characters written out: an argument pasted from a CRLF file (racy\r) printed raw sent the cursor back
        // over the message and hid the fault
        cmd.getErr().println(path + ": " + org.migcheck.model.lang.UserCode.visible(msg));
        cmd.getErr().println("try '" + path + " --help'");
        return Verdict.USAGE_EXIT;
    }

    static final class Streams {
        static PrintStream out = System.out;
        static PrintStream err = System.err;
    }

    /** This process's standard output encoded as UTF-8, when its own charset is another; else null. */
    private static PrintStream utf8Out;

    /**
     * The command writes a document (JSON, JUnit XML, SARIF, HTML), not text: from now on {@link Streams#out} writes
     * UTF-8 (text follows the terminal's charset, documents their formats').
     */
    static void writesDocument() {
        if (utf8Out != null && Streams.out != utf8Out && Streams.out == textOut) {
            Streams.out.flush();
            Streams.out = utf8Out;
        }
    }

    /** The standard output {@link #run} was given, which {@link #writesDocument} may replace. */
    private static PrintStream textOut;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    // split here, not by picocli, whose split drops trailing empty entries ("a.jar:"), which must be refused
    @CommandLine.Option(names = "--classpath", paramLabel = "JARS_OR_DIRS",
            description = "jars or class directories with users' scenarios (META-INF/services/org.migcheck.model.scenarios.Scenario)"
                    + " and rules (META-INF/services/org.migcheck.properties.Rule), separated by the path separator;"
                    + " every command then knows them")
    List<String> classpathArgs = new ArrayList<>();

    /** The --classpath entries, every empty one kept (ScenarioRegistry refuses them). */
    private List<String> classpathEntries() {
        List<String> entries = new ArrayList<>();
        for (String arg : classpathArgs) {
            entries.addAll(List.of(arg.split(java.util.regex.Pattern.quote(java.io.File.pathSeparator), -1)));
        }
        return entries;
    }

    @CommandLine.Option(names = "--rule", paramLabel = "ID", split = ",",
            description = "check, suite, mutate, replay and bench SCENARIO check only these rules (ids as `list` shows them,"
                    + " lock-order.cycle for the lockdep-style check; repeatable): to see whether a rule of yours breaks where"
                    + " another breaks first. Deadlocks and stuck threads are always checked; results say that only these rules"
                    + " were checked, replay lines repeat the option; the other commands refuse it")
    List<String> ruleArgs = new ArrayList<>();

    @CommandLine.Option(names = "--skip-rule", paramLabel = "ID", split = ",",
            description = "check, suite, mutate, replay and bench SCENARIO leave these rules out (ids as for --rule; repeatable):"
                    + " to see whether a deadlock or another rule's failure follows where one of them breaks first. Results say"
                    + " which were left out, replay lines repeat the option; not together with --rule")
    List<String> skipRuleArgs = new ArrayList<>();

    private ScenarioRegistry registry;

    /**
     * The rules every command checks: the kernel rules and the users' (--classpath), or only those that
     * --rule names (an unknown id is a usage error listing the known ones).
     */
    static org.migcheck.properties.RuleSet rules(CommandLine.Model.CommandSpec spec) {
        Main main = (Main) spec.root().userObject();
        org.migcheck.properties.RuleSet all = registry(spec).ruleSet();
        CommandLine.ParseResult root = spec.root().commandLine() == null ? null : spec.root().commandLine().getParseResult();
        for (String option : new String[] {"--rule", "--skip-rule"}) {
            // picocli's split drops empty ids, so "--rule ," would check every rule without a word
            if (root != null && root.hasMatchedOption(option) && (option.equals("--rule") ? main.ruleArgs : main.skipRuleArgs).isEmpty()) {
                throw Args.usage(spec, option + " names no rule (ids separated by commas)");
            }
        }
        if (main.ruleArgs.isEmpty() && main.skipRuleArgs.isEmpty()) {
            return all;
        }
        java.util.Set<String> known = new java.util.LinkedHashSet<>(all.ids());
        if (!main.skipRuleArgs.isEmpty()) {
            if (!main.ruleArgs.isEmpty()) {
                throw Args.usage(spec, "--rule and --skip-rule both choose the rules: give one");
            }
            return all.skipping(ruleIds(spec, "--skip-rule", main.skipRuleArgs, known));
        }
        List<String> wanted = ruleIds(spec, "--rule", main.ruleArgs, known);
        List<org.migcheck.properties.Rule> kept = all.rules().stream().filter(r -> wanted.contains(r.id())).toList();
        return org.migcheck.properties.RuleSet.of(kept, wanted.contains(org.migcheck.properties.RuleSet.LOCK_CYCLE))
                .selected(List.copyOf(wanted));
    }

    /** The ids {@code option} named, stripped and without repeats; one that no rule has is a usage error listing them. */
    private static List<String> ruleIds(CommandLine.Model.CommandSpec spec, String option, List<String> args, java.util.Set<String> known) {
        java.util.Set<String> ids = new java.util.LinkedHashSet<>();
        for (String id : args) {
            if (id.isBlank()) {
                throw Args.usage(spec, option + " names an empty rule id (ids separated by commas, none empty)");
            }
            if (!known.contains(id.strip())) {
                throw Args.usage(spec, option + " " + id + ": no such rule; rules: " + String.join(", ", known));
            }
            ids.add(id.strip());
        }
        return List.copyOf(ids);
    }

    /** A command that does not read --rule refuses it rather than ignoring it. */
    static void refuseRuleOption(CommandLine.Model.CommandSpec spec, String what) {
        Main main = (Main) spec.root().userObject();
        if (!ruleOption(spec).isEmpty()) {
            throw Args.usage(spec, (main.ruleArgs.isEmpty() ? "--skip-rule" : "--rule") + " does not apply to " + what
                    + " (it selects the rules of check, suite, mutate, replay and bench SCENARIO)");
        }
    }

    /** " --rule A,B" or " --skip-rule C" as the command line gave it (empty without either), for pasted replay lines. */
    static String ruleOption(CommandLine.Model.CommandSpec spec) {
        Main main = (Main) spec.root().userObject();
        boolean skip = !main.skipRuleArgs.isEmpty();
        List<String> ids = skip ? main.skipRuleArgs : main.ruleArgs;
        return ids.isEmpty() ? "" : (skip ? " --skip-rule " : " --rule ")
                + ScenarioRunner.shellQuote(String.join(",", ids.stream().map(String::strip).toList()));
    }

    /** The bundled scenarios plus those of --classpath; a plugin that cannot be used is a usage error. */
    static ScenarioRegistry registry(CommandLine.Model.CommandSpec spec) {
        Main main = (Main) spec.root().userObject();
        if (main.registry == null) {
            try {
                main.registry = ScenarioRegistry.withClasspath(main.classpathEntries());
            } catch (ScenarioRegistry.PluginException e) {
                throw Args.usage(spec, e.getMessage());
            }
        }
        return main.registry;
    }

    @Override
    public Integer call() {
        throw Args.usage(spec, "name a command: " + String.join(", ", spec.subcommands().keySet()));
    }

    /** The scenario {@code id}, bundled or from --classpath; an unknown id is a usage error listing the known ones. */
    static Scenario scenario(String id, CommandLine.Model.CommandSpec spec) {
        ScenarioRegistry reg = registry(spec);
        Scenario s = reg.find(id);
        if (s == null) {
            throw Args.usage(spec, "unknown scenario '" + id + "'; known: " + String.join(", ", reg.ids())
                    + (!reg.plugins().isEmpty() ? "" : classpath(spec).isEmpty() ? " (a scenario of your own needs --classpath before the command)"
                            : " (--classpath registers no scenario: its entries have no META-INF/services/" + Scenario.class.getName()
                            + " naming one)"));
        }
        return s;
    }

    /** The --classpath entries (part of a cluster member's code identity). */
    static List<String> classpath(CommandLine.Model.CommandSpec spec) {
        return ((Main) spec.root().userObject()).classpathEntries();
    }

    /**
     * How a pasted replay line names migcheck: "./migcheck" from the launcher's own directory (and when
     * not started by it), else the launcher's path, shell-quoted, so that the line works where the user
     * ran the command (a project directory with the launcher elsewhere).
     */
    static String launcher() {
        String path = System.getProperty("migcheck.launcher");
        if (path == null || path.isEmpty()) {
            return "./migcheck";
        }
        try {
            java.nio.file.Path dir = java.nio.file.Path.of(path).toAbsolutePath().getParent();
            java.nio.file.Path here = java.nio.file.Path.of("").toAbsolutePath();
            if (dir != null && dir.toRealPath().equals(here.toRealPath())) {
                return "./migcheck";
            }
        } catch (java.io.IOException | RuntimeException e) {
            // an unreadable directory: name the launcher by its path
        }
        return ScenarioRunner.shellQuote(path);
    }

    /** A report's replay command line, with --classpath when {@code s} or a rule is the user's (so it can be pasted as is). */
    static String withClasspath(String report, Scenario s, CommandLine.Model.CommandSpec spec) {
        return withClasspath(report, List.of(s), spec, x -> x);
    }

    /**
     * The replay command lines of a report about {@code scenarios}, with --classpath (shell-quoted, then
     * passed through {@code escape}, the report format's own escaping: XML, HTML or a JSON string) when
     * one of them is a user's scenario, so that the line can be pasted into a shell as it is.
     */
    static String withClasspath(String report, java.util.Collection<Scenario> scenarios, CommandLine.Model.CommandSpec spec,
            java.util.function.UnaryOperator<String> escape) {
        Main main = (Main) spec.root().userObject();
        String self = launcher();
        // a user's scenario, or a user's rule (which may be the one that broke, on a bundled scenario)
        boolean plugin = scenarios.stream().anyMatch(registry(spec).plugins()::contains) || !registry(spec).rules().isEmpty();
        String only = ruleOption(spec);
        if (!plugin && self.equals("./migcheck") && only.isEmpty()) {
            return report;
        }
        String cp = plugin ? " --classpath " + escape.apply(ScenarioRunner.shellQuote(String.join(java.io.File.pathSeparator,
                main.classpathEntries()))) : "";
        return report.replace("./migcheck replay ", escape.apply(self) + cp + escape.apply(only) + " replay ");
    }

    /** Escaping for text inside a JSON string (Jackson's, as the JSON and SARIF renderers write them). */
    static String jsonText(String s) {
        return new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(s));
    }
}
