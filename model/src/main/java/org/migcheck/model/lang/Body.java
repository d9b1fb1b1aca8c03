package org.migcheck.model.lang;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;


/**
 * Structured code of a thread or procedure: sequence, if/else, bounded loops, break/continue,
 * return and calls. Only {@link #step steps} and {@link #ifThen shared tests} are transitions;
 * local control flow ({@link #ifLocal}, loops on locals, calls, returns, local assignments) is
 * resolved between steps and costs no state, which is sound because no other thread can observe or
 * change a thread's locals.
 */
public final class Body {
    final Procedure owner;
    final List<Node> nodes = new ArrayList<>();
    /** False once the lambda that builds this body has returned: code added later would land nowhere sensible. */
    private boolean open = true;
    /** True while a nested body (a branch, a loop) of this one is being built. */
    private boolean nesting;

    Body(Procedure owner) { this.owner = owner; }

    /** Ends this body: the lambda that built it has returned. */
    void close() { open = false; }

    /**
     * Appends {@code n}, refusing the two slips that would silently put code in the wrong place: the
     * enclosing body's variable used inside a nested block ({@code x.forRange(i, 0, 2, y -> x.step(...))}
     * runs that step once, before the loop), and a body kept and used after its lambda returned.
     */
    private void add(Node n) {
        requireOpen();
        if (nesting) {
            throw new ModelError(owner.name(), "code added to an enclosing body of " + owner.name() + " while one of its nested"
                    + " blocks (a branch or loop) is built: inside the block use its own parameter (y -> y.step(...), not x.step(...))");
        }
        nodes.add(n);
    }

    sealed interface Node permits StepNode, IfShared, IfLocal, While, Forever, Retry, Break, Continue, Return, Call, Assign {}
    record StepNode(Step step) implements Node {}
    record IfShared(Cond cond, Body then, Body otherwise) implements Node {}
    record IfLocal(Predicate<Exec> cond, Body then, Body otherwise) implements Node {}
    record While(Predicate<Exec> cond, Body body, Assign increment) implements Node {}
    record Forever(Body body) implements Node {}
    record Retry(Bound bound, String loop, Local passes, Body body) implements Node {}
    record Break() implements Node {}
    record Continue() implements Node {}
    record Return(IntExpr value) implements Node {}
    record Call(Procedure callee, List<IntExpr> args, Local result) implements Node {}
    record Assign(Local local, IntExpr value) implements Node {}

    /** Refuses code for a body whose lambda has returned (a Body kept and used again). */
    private void requireOpen() {
        if (!open) {
            throw new ModelError(owner.name(), "code added to a body of " + owner.name() + " after it was built (a Body kept from"
                    + " an earlier lambda and used again?)");
        }
    }

    private Body sub(Consumer<Body> code) {
        requireOpen();
        Body b = new Body(owner);
        if (code != null) {
            nesting = true;
            try {
                code.accept(b);
            } finally {
                nesting = false;
            }
        }
        b.close();
        return b;
    }

    /** One atomic step. */
    public Body step(Step s) { add(new StepNode(need(s, "step"))); return this; }

    /**
     * {@code o}, or a model error naming the procedure and what was null (a review: a null step, condition, procedure
     * or local threw a NullPointerException from the compiler or from inside the search, naming no part of the model).
     */
    private <T> T need(T o, String what) {
        if (o == null) {
            throw new ModelError(owner.name(), "a " + what + " of " + owner.name() + " is null");
        }
        return o;
    }

    /** Branch on shared state: the test is a step of its own. */
    public Body ifThen(Cond c, Consumer<Body> then) { return ifThenElse(c, then, null); }

    public Body ifThenElse(Cond c, Consumer<Body> then, Consumer<Body> otherwise) {
        add(new IfShared(need(c, "shared test (ifThen/ifThenElse condition)"), sub(then), sub(otherwise)));
        return this;
    }

    /** Branch on thread-local state only (a trylock result, a parameter); no step of its own. */
    public Body ifLocal(Predicate<Exec> c, Consumer<Body> then) { return ifLocalElse(c, then, null); }

    public Body ifLocalElse(Predicate<Exec> c, Consumer<Body> then, Consumer<Body> otherwise) {
        add(new IfLocal(need(c, "local condition (ifLocal)"), sub(then), sub(otherwise)));
        return this;
    }

    /** Loop while a local condition holds; bounded by the domains of the locals it reads. */
    public Body whileLocal(Predicate<Exec> c, Consumer<Body> body) {
        add(new While(need(c, "loop condition (whileLocal)"), sub(body), null));
        return this;
    }

    /** {@code for (i = from; i < to; i++) body}: a bounded loop over a local counter. */
    public Body forRange(Local i, int from, int to, Consumer<Body> body) {
        need(i, "loop counter (forRange)");
        assign(i, e -> from);
        // the increment runs after the body; "continue" jumps to it
        add(new While(e -> e.local(i) < to, sub(body), new Assign(i, e -> e.local(i) + 1)));
        return this;
    }

    /** A daemon's endless loop; its blocking step should be declared {@link Step.Builder#idle() idle}. */
    public Body forever(Consumer<Body> body) {
        add(new Forever(sub(body)));
        return this;
    }

    /**
     * A retry loop bounded by {@code bound}: {@code body} runs; {@link #breakLoop()} (or a return)
     * leaves the loop, reaching the end of the body or {@link #continueLoop()} asks for another pass.
     * After {@code bound.limit()} passes the loop ends anyway, and the transition that ends it
     * records {@link BoundReached} (the bound was saturated: the kernel would have gone on). The pass
     * counter is a hidden local of this procedure (one per loop), zero outside the loop.
     */
    public Body retry(Bound bound, Consumer<Body> body) {
        return retry(bound, null, body);
    }

    /**
     * As {@link #retry(Bound, Consumer)}, with the loop named ({@code "unmap loop"}): a saturation is reported
     * as in "procedure (loop)", so that two loops of one procedure under one bound are told apart.
     */
    public Body retry(Bound bound, String loop, Consumer<Body> body) {
        need(bound, "bound (retry)");
        if (bound.origin != owner.origin) {
            throw Model.foreign("bound " + bound.name(), bound.origin.name(), owner.origin.name());
        }
        // one hidden counter per loop: a procedure may have several loops under one bound (in sequence or nested)
        String lname = "passes:" + bound.name();
        for (int n = 2; owner.declares(lname); n++) {
            lname = "passes:" + bound.name() + "#" + n;
        }
        Local passes = owner.local(lname, 0, bound.limit());
        passes.bound = bound;
        add(new Retry(bound, loop, passes, sub(body)));
        return this;
    }

    public Body breakLoop() { add(new Break()); return this; }

    public Body continueLoop() { add(new Continue()); return this; }

    /** Returns from the procedure (ends the thread in a thread's main body). */
    public Body ret() { add(new Return(null)); return this; }

    /** Returns a value to the caller's result local. */
    public Body ret(IntExpr value) { add(new Return(value)); return this; }

    /** Calls {@code p} with arguments computed from the caller's locals. */
    public Body call(Procedure p, IntExpr... args) {
        add(new Call(need(p, "called procedure"), List.of(args), null));
        return this;
    }

    /** Calls {@code p} and stores its return value in {@code result}. */
    public Body callInto(Local result, Procedure p, IntExpr... args) {
        add(new Call(need(p, "called procedure"), List.of(args), need(result, "result local (callInto)")));
        return this;
    }

    /** Sets a local from other locals (no step). */
    public Body assign(Local l, IntExpr value) { add(new Assign(need(l, "local (assign)"), need(value, "value (assign)"))); return this; }

    /** An assertion step: when {@code holds} is false the run stops with rule {@code ruleId} violated. */
    public Body assertThat(String ruleId, String statement, Predicate<Exec> holds) {
        return step(Steps.assertion(ruleId, statement, holds));
    }
}
