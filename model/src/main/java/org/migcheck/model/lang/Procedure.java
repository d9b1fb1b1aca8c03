package org.migcheck.model.lang;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * A named procedure (for example {@code shrink_folio_list}) that several threads call. Its
 * parameters and locals live in a frame on the calling thread's stack, which is part of the state.
 * Recursion is not allowed (the stack depth is computed from the call graph).
 */
public final class Procedure {
    private final String name;
    private final List<Local> params = new ArrayList<>();
    private final List<Local> locals = new ArrayList<>();
    private Body body;
    int entry = -1;
    final boolean threadMain;
    private boolean daemon;
    /** The builder that declared this procedure; only that builder's model may call it. */
    final Model.Builder origin;

    Procedure(Model.Builder origin, String name, boolean threadMain) {
        this.origin = origin;
        this.name = name;
        this.threadMain = threadMain;
    }

    public String name() { return name; }

    /** Declares a parameter with domain [min, max]; parameters come before other locals. */
    public Local param(String pname, int min, int max) {
        if (!locals.isEmpty() && locals.size() != params.size()) {
            throw new ModelError(name, "procedure " + name + ": parameter " + pname + " declared after a local");
        }
        Local l = newLocal(pname, min, max);
        params.add(l);
        return l;
    }

    /** Declares a local with domain [min, max], initially 0 (or min when 0 is outside). */
    public Local local(String lname, int min, int max) {
        return newLocal(lname, min, max);
    }

    /**
     * The kernel function a procedure named {@code procedureName} stands for: the name up to its first '/'
     * (the vocabulary qualifies procedures built once per variation point:
     * "migrate_pages_batch/compaction_alloc/2folios" is migrate_pages_batch for compaction_alloc and a list of two).
     */
    public static String kernelFunction(String procedureName) {
        int slash = procedureName.indexOf('/');
        return slash > 0 ? procedureName.substring(0, slash) : procedureName;
    }

    /** Whether this procedure already declares a local (or parameter) named {@code lname}. */
    boolean declares(String lname) {
        for (Local l : locals) {
            if (l.name().equals(lname)) {
                return true;
            }
        }
        return false;
    }

    /** Refuses a change to this procedure once its model is built (the built model would not see it, or break on it). */
    private void frozen(String what) {
        if (origin.isBuilt()) {
            throw new ModelError(name, "model " + origin.name() + " is already built; cannot add " + what + " to " + name);
        }
    }

    private Local newLocal(String lname, int min, int max) {
        frozen("local " + lname);
        Model.checkName("local", lname);
        if (min > max) {
            throw new ModelError(name + "." + lname, "local " + name + "." + lname + " has empty domain [" + min + ", " + max + "]");
        }
        if (declares(lname)) {
            throw new ModelError(name + "." + lname, "procedure " + name + " declares local " + lname + " twice");
        }
        Local l = new Local(this, locals.size(), lname, min, max);
        locals.add(l);
        return l;
    }

    /** Defines the body. */
    public Procedure body(Consumer<Body> code) {
        frozen("a body");
        if (body != null) {
            throw new ModelError(name, "procedure " + name + " has two bodies");
        }
        Body b = new Body(this);
        code.accept(b);
        b.close();
        this.body = b;
        return this;
    }

    /**
     * Declares this thread a daemon: it may run forever (a server loop, a kernel thread), so never
     * finishing is not a liveness violation for it. Only a thread's main body can be a daemon.
     */
    public Procedure daemon() {
        frozen("the daemon flag");
        if (!threadMain) {
            throw new ModelError(name, "procedure " + name + " is not a thread: only threads can be daemons");
        }
        daemon = true;
        return this;
    }

    /** Whether this thread's main body was declared a {@link #daemon()}. */
    public boolean isDaemon() { return daemon; }

    public List<Local> params() { return Collections.unmodifiableList(params); }
    public List<Local> locals() { return Collections.unmodifiableList(locals); }
    Body bodyOrNull() { return body; }

    @Override public String toString() { return name; }
}
