package org.migcheck.model.lang;

/**
 * Why a thread cannot take its next step. Deadlock reports print the reason of every blocked thread
 * and build the wait-for graph from it: a lock points at its holder, a flag or condition at the
 * live threads whose programs can provide it.
 */
public sealed interface BlockReason {

    /** One line for the deadlock report. */
    String describe(Model m);

    /**
     * The resource class whose provider threads this thread waits for ("PG_writeback"), or null
     * when the reason names its provider directly (a lock holder).
     */
    default String resource() { return null; }

    /** Waiting for {@code lock}, held by thread {@code holder}. A holder equal to the waiter is a self-deadlock. */
    record OnLock(Lock lock, int holder, int waiter) implements BlockReason {
        @Override public String describe(Model m) {
            String who = holder < 0 ? "nobody" : m.thread(holder).name();
            if (holder == waiter) {
                return "waits for " + lock.name() + ", which it holds itself (self-deadlock)";
            }
            return "waits for " + lock.name() + " held by " + who;
        }
    }

    /**
     * Waiting until a flag clears, e.g. PG_writeback on folio0. {@code resource} names the class of
     * steps that clear it ("PG_writeback"), declared with {@link Step.Builder#provides(String)}.
     */
    record OnFlag(String flag, String object, String resource) implements BlockReason {
        public OnFlag {
            flag = UserCode.oneLine(flag); // the model's text, printed in every deadlock report
            object = UserCode.oneLine(object);
        }
        @Override public String describe(Model m) { return "waits for " + flag + " on " + object + " to clear"; }
    }

    /** Waiting for a condition that steps of class {@code resource} make true (free memory, a request). */
    record OnCondition(String text, String resource) implements BlockReason {
        public OnCondition {
            text = UserCode.oneLine(text); // the model's text, printed in every deadlock report
        }
        @Override public String describe(Model m) { return "waits for " + text; }
    }
}
