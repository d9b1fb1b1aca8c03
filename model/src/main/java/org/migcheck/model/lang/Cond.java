package org.migcheck.model.lang;

import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A test of shared state that a thread branches on, such as {@code folio_test_writeback(folio0)}.
 * Reading shared state is an action of its own: the test is a step of the thread (it shows in
 * traces with its outcome) and other threads may run between the test and what follows.
 */
public final class Cond {
    final String function;
    final Function<Exec, String> args;
    final Predicate<Exec> test;

    private Cond(String function, Function<Exec, String> args, Predicate<Exec> test) {
        this.function = function;
        this.args = args;
        this.test = test;
    }

    /** A test named after the kernel function or expression it stands for. */
    public static Cond of(String function, Function<Exec, String> args, Predicate<Exec> test) {
        return new Cond(function, args, test);
    }

    public static Cond of(String function, String args, Predicate<Exec> test) {
        return new Cond(function, e -> args, test);
    }

    String label(Exec e, boolean outcome) {
        return function + "(" + (args == null ? "" : args.apply(e)) + ") -> " + outcome;
    }
}
