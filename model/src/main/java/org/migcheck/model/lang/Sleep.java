package org.migcheck.model.lang;

/**
 * The step may sleep (schedule) in the kernel, whether or not it has to wait in this state:
 * folio_lock, mutex_lock, folio_wait_writeback, cond_resched, an allocation that may reclaim.
 * "No sleeping in atomic context" and "no sleeping folio lock under PF_MEMALLOC" read this event.
 *
 * @param what      the kernel function that may sleep
 * @param onObject  the object waited for, or "" when none
 * @param kind      what kind of sleep (lock, writeback, resched, alloc) for rules that single one out
 */
public record Sleep(String what, String onObject, Kind kind) implements Event {
    public enum Kind { SLEEPING_LOCK, FOLIO_LOCK, WRITEBACK_WAIT, RESCHED, ALLOC, OTHER }

    @Override public String describe() { return "may sleep in " + what + (onObject.isEmpty() ? "" : "(" + onObject + ")"); }
}
