package org.migcheck.checker.engine;

/**
 * The engine's only view of a model: a state vector layout, an initial state, the successors of a
 * state, and the state checks. The engine never sees a folio, a lock or a thread name; transitions
 * are opaque integer labels that the system can replay.
 *
 * <p>Contract: {@link #expand} is deterministic (same state, same calls in the same order) and does
 * not keep {@code state}. A successor vector handed to {@link Successors#successor} belongs to the
 * receiver afterwards, unless the receiver says it does not keep vectors
 * ({@link Successors#keepsVectors()} false: it packs or copies each one during the call); then the
 * system may hand the same array for every successor (no allocation per successor).
 *
 * <p>Threads: the breadth-first search calls {@link #expand} and {@link #checkState} from several
 * worker threads at once (for different states), so an implementation keeps no unsynchronised
 * mutable state across calls, except per-state records indexed by {@code id} (distinct per call)
 * in arrays sized by {@link #reserve}.
 *
 * <p>Seam for reductions: a reduction wraps the system. Symmetry canonicalises each successor
 * vector before passing it to {@link Successors#successor} (the engine stores exactly what it
 * receives); partial-order reduction reports only the successors of a persistent set. The engine
 * recomputes a counterexample's labels by re-expanding parents through the same wrapped system and
 * matching the stored vectors, so a wrapper needs nothing else.
 */
public interface TransitionSystem {

    /** Smallest value of each slot; every state vector stays within [slotMin, slotMax] slot-wise. */
    int[] slotMin();

    /** Largest value of each slot. */
    int[] slotMax();

    int[] initialState();

    /** Reports every transition enabled in {@code state} (engine state id {@code id}) to {@code out}. */
    void expand(int id, int[] state, Successors out);

    /** Checks a newly discovered state (invariants); null when it passes. */
    Failure checkState(int[] state);

    /**
     * The same for the state stored as engine id {@code id} (the searches that store states call this one;
     * Integer.MAX_VALUE when the state has no id, a replay's say). Ids come in the same order for every number of
     * workers, so what a system does by id (a reduction's run-time check of the first stored states) does not
     * depend on thread timing.
     */
    default Failure checkState(int id, int[] state) { return checkState(state); }

    /** Called before states with ids below {@code states} are expanded, on the searching thread. */
    default void reserve(int states) {}

    /** The thread (or process) that takes transition {@code label}; used by reductions and traces. */
    int actorOf(int label);

    /**
     * Reduction seam: the search hands the system a query "is this state already stored?" before it
     * starts (partial-order reduction's cycle proviso needs it). The breadth-first search answers it
     * from its workers during the expand phase, when the visited set is read-only. Plain systems ignore it.
     */
    default void attach(java.util.function.Predicate<int[]> visited) { }

    /** Callback of {@link #expand}. */
    interface Successors {
        /** Transition {@code label} leads to {@code next}. */
        void successor(int label, int[] next);

        /**
         * Transition {@code label} leads to {@code next}, with a {@code tag} that the search passes on
         * to its observers with the transition ({@link SearchObserver#onTransition(int, int, int, int)})
         * and otherwise ignores: a reduction says with it how it transformed the successor (symmetry:
         * the thread permutation, 0 for none). The plain systems report tag 0 through {@link #successor(int, int[])}.
         */
        default void successor(int label, int[] next, int tag) { successor(label, next); }

        /**
         * Whether this receiver keeps a {@code next} array after {@link #successor} returns. False
         * means it packs or copies it during the call, so the system may reuse one array.
         */
        default boolean keepsVectors() { return true; }

        /** Taking transition {@code label} breaks a rule or the model: the search stops. */
        void failure(int label, Failure failure);

        /** The state itself is bad (for example a deadlock: no transition and not a valid end). */
        void stateFailure(Failure failure);

        /**
         * Whether this receiver keeps {@link #mark}s: random walks do (they store no states, so the system cannot keep
         * by state id what it sees on a transition, as it does for the searches that store them).
         */
        default boolean wantsMarks() { return false; }

        /**
         * Transition {@code label} shows {@code key}, something the system wants to hear of once, with a path to it (a
         * lock-order edge): the walks keep, of the transitions they take, the first that shows each key, in walk order. Called before the
         * transition's {@link #successor}, only when {@link #wantsMarks}.
         */
        default void mark(int label, String key) { }
    }
}
