package org.migcheck.model.mm;

import java.util.Objects;

import org.migcheck.model.lang.Event;

/** Folio events the kernel steps emit, for the rules in the properties module. */
public sealed interface FolioEvent extends Event {

    Folio folio();

    /** __folio_start_writeback: PG_writeback set (mm/page-writeback.c). */
    record WritebackStarted(Folio folio) implements FolioEvent {
        @Override public String describe() { return "PG_writeback set on " + folio.name(); }
    }

    /** folio_end_writeback: PG_writeback cleared (mm/filemap.c). */
    record WritebackEnded(Folio folio) implements FolioEvent {
        @Override public String describe() { return "PG_writeback cleared on " + folio.name(); }
    }

    /** The folio left the page cache (__filemap_remove_folio, __folio_migrate_mapping's slot switch). */
    record RemovedFromCache(Folio folio) implements FolioEvent {
        @Override public String describe() { return folio.name() + " removed from the page cache"; }
    }

    /** The last reference went: the folio returns to the allocator. */
    record Freed(Folio folio) implements FolioEvent {
        @Override public String describe() { return folio.name() + " freed"; }
    }

    /**
     * A reference was taken; {@code unlessZero} for a get-unless-zero (folio_try_get,
     * folio_get_nontail_page), false for a plain folio_get, which must never see refcount 0;
     * {@code function} is the kernel function that took it.
     */
    record RefTaken(Folio folio, boolean unlessZero, String function) implements FolioEvent {
        public RefTaken {
            Objects.requireNonNull(function, "function");
        }

        /** A reference taken by folio_try_get ({@code unlessZero}) or folio_get. */
        public RefTaken(Folio folio, boolean unlessZero) {
            this(folio, unlessZero, unlessZero ? "folio_try_get" : "folio_get");
        }

        @Override public String describe() { return function + " " + folio.name(); }
    }

    /** The memory or struct of the folio is used (I/O reads it, a flag is changed on it). */
    record Accessed(Folio folio, String how) implements FolioEvent {
        @Override public String describe() { return how + " on " + folio.name(); }
    }

    /**
     * The folio's data was written ({@code copy_from_user} into it, a memcpy through a buffer head's
     * b_data): {@code via} names the path ("write_begin", "bh0"), {@code version} is the content
     * version after the write (see {@link Data}).
     */
    record Written(Folio folio, String how, String via, int version) implements FolioEvent {
        @Override public String describe() { return how + " writes " + folio.name() + (via.isEmpty() ? "" : " via " + via); }
    }

    /** The folio's data was read; {@code version} is the content version the reader saw. */
    record Read(Folio folio, String how, String via, int version) implements FolioEvent {
        @Override public String describe() { return how + " reads " + folio.name() + (via.isEmpty() ? "" : " via " + via); }
    }

    /** The folio was isolated for migration by the running thread. */
    record Isolated(Folio folio) implements FolioEvent {
        @Override public String describe() { return folio.name() + " isolated"; }
    }

    /**
     * The folio's list entry was added to ({@code added}) or deleted from a kernel list, here
     * b_dev_info->pages; {@code wasOn}: whether the entry was on that list before the step.
     */
    record ListChanged(Folio folio, String list, boolean added, boolean wasOn) implements FolioEvent {
        @Override public String describe() { return (added ? "list_add " : "list_del ") + folio.name() + (added ? " to " : " from ") + list; }
    }

    /** ->migrate_folio / movable_ops migrate_page ran on (src -> dst). */
    record Migrated(Folio folio, Folio dst) implements FolioEvent {
        @Override public String describe() { return folio.name() + " migrated to " + dst.name(); }
    }
}
