package org.migcheck.checker.engine;

/** Counted nouns in messages: "1 step", "2 steps" (every noun migcheck counts takes a plain -s). */
public final class Words {
    private Words() {}

    /** {@code n} followed by {@code noun}, with an "s" unless {@code n} is 1. */
    public static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
