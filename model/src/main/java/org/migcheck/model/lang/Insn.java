package org.migcheck.model.lang;

import java.util.List;
import java.util.function.Predicate;


/** One instruction of the compiled code. Only STEP and BRANCH are transitions; the rest are local. */
final class Insn {
    enum Kind { STEP, BRANCH, LBRANCH, JUMP, CALL, RETURN, ASSIGN, END, SATURATE }

    final Kind kind;
    final Procedure proc;
    Step step;
    Cond cond;
    Predicate<Exec> pred;
    int target = -1;
    Procedure callee;
    List<IntExpr> args;
    Local local;
    IntExpr value;
    Bound bound;
    /** SATURATE: where it is reported, "procedure" or "procedure (loop)". */
    String where;

    Insn(Kind kind, Procedure proc) {
        this.kind = kind;
        this.proc = proc;
    }

    boolean visible() { return kind == Kind.STEP || kind == Kind.BRANCH; }
}
