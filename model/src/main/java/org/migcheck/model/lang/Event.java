package org.migcheck.model.lang;

/**
 * Something a step did that rules care about: a lock acquired or released, PG_writeback set, a folio
 * freed, a sleep. Steps emit events; step rules read them together with the state before the step.
 * The kernel vocabulary adds its own event types.
 */
public interface Event {
    /** A short rendering for traces and messages. */
    String describe();
}
