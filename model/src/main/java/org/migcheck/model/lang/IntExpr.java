package org.migcheck.model.lang;

/** A value computed from the running thread's locals (call arguments, return values, assignments). */
@FunctionalInterface
public interface IntExpr {
    int eval(Exec e);

    static IntExpr of(int constant) { return e -> constant; }

    static IntExpr of(Local l) { return e -> e.local(l); }
}
