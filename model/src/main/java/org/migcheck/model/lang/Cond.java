package org.migcheck.model.lang;

import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A test of shared state that a thread branches on, such as {@code folio_test_writeback(folio0)}.
 * Reading shared state is an action of its own: the test is a step of the thread (it shows in
 * traces with its outcome) and other threads may run between the test and what follows.
 */
public final class Cond {
    final String function;
    final Function<Exec, String> args;
    final Predicate<Exec> test;
    /** What the trace should say beside the outcome (a decision made without a step), or null. */
    private final Function<Exec, String> note;

    private Cond(String function, Function<Exec, String> args, Predicate<Exec> test, Function<Exec, String> note) {
        this.function = function;
        this.args = args;
        this.test = test;
        this.note = note;
    }

    private Cond(String function, Function<Exec, String> args, Predicate<Exec> test) {
        this(function, args, test, null);
        // the name a trace prints, as a step's (blank, or with a newline that splits a report's row, is the author's slip)
        Model.checkName("shared test", function);
        if (test == null) {
            throw new ModelError(function, "shared test " + function + " has no test (null)");
        }
    }

    /**
     * The same test, whose trace label ends with {@code [note]}: for what decided that the thread got
     * here without a step of its own (a scan-control field, a mapping flag fixed at build time), so that
     * two kernels that differ only there do not print the same trace. Labels only; the state space is the same.
     */
    public Cond noting(Function<Exec, String> note) {
        return new Cond(function, args, test, note);
    }

    /**
     * The mutant of this test that always answers as {@code test} does (a forced outcome), labelled as
     * this one with "[forced outcome]" beside the outcome.
     */
    Cond forced(boolean outcome, Predicate<Exec> test) {
        Function<Exec, String> was = note;
        return new Cond(function, args, test, e -> "forced " + outcome + (was == null ? "" : "; " + was.apply(e)));
    }

    /** A test named after the kernel function or expression it stands for. */
    public static Cond of(String function, Function<Exec, String> args, Predicate<Exec> test) {
        return new Cond(function, args, test);
    }

    public static Cond of(String function, String args, Predicate<Exec> test) {
        return new Cond(function, e -> args, test);
    }

    /** A name that reads as a C function (or its negation), so that its arguments go in parentheses after it. */
    private static final Pattern FUNCTION_NAME = Pattern.compile("!?[A-Za-z_][A-Za-z0-9_]*");

    /**
     * The test's name and arguments without an outcome: for a test a thread has not run yet. A function
     * name reads as a call, {@code folio_test_writeback(folio0)}; an expression such as
     * {@code folio->mapping != mapping} is not followed by parentheses, which would read as a call of its
     * last word: it prints in parentheses with what it is asked of, {@code (folio->mapping != mapping) on folio0}.
     */
    String pending(Exec e) {
        // the model's text, one line (a review: a newline in it printed a forged row of the trace)
        String a = args == null ? "" : UserCode.oneLine(String.valueOf(args.apply(e)));
        if (FUNCTION_NAME.matcher(function).matches()) {
            return function + "(" + a + ")";
        }
        return a.isEmpty() ? function : "(" + function + ") on " + a;
    }

    String label(Exec e, boolean outcome) {
        return pending(e) + " -> " + outcome + (note == null ? "" : " [" + UserCode.oneLine(String.valueOf(note.apply(e))) + "]");
    }
}
