package org.migcheck.model.mm;

import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Model;

/**
 * A struct address_space (include/linux/fs.h): its aops capabilities, its AS_* flags, and its
 * i_pages (xa_lock) and i_private_lock spinlocks.
 *
 * <p><b>Kernel:</b> v6.19 struct address_space; AS_WRITEBACK_MAY_DEADLOCK_ON_RECLAIM exists from v6.16
 * (pass false for older kernels); {@code i_private_lock} was {@code private_lock} in older kernels (the
 * mm lock-order comments still say so); which {@code ->migrate_folio} the aops offer is a constructor
 * switch ({@link MigrateFolio}), so both sides of the 2018 buffer_migrate_folio_norefs change can be built.
 */
public final class Mapping {

    /** Which ->migrate_folio the mapping's aops provide (mm/migrate.c). */
    public enum MigrateFolio { BUFFER_MIGRATE_FOLIO, BUFFER_MIGRATE_FOLIO_NOREFS, FILEMAP_MIGRATE_FOLIO, FALLBACK }

    private final String name;
    private final MigrateFolio migrateFolio;
    private final boolean writebackMayDeadlockOnReclaim;
    private final boolean writebackCache;
    /** mapping->i_pages xa_lock (spinlock). */
    public final Lock iPages;
    /** mapping->i_private_lock (spinlock; "private_lock" in the mm lock-order comments). */
    public final Lock iPrivate;

    Mapping(Model.Builder b, String name, MigrateFolio migrateFolio, boolean mayDeadlock, boolean writebackCache) {
        this.name = name;
        this.migrateFolio = migrateFolio;
        this.writebackMayDeadlockOnReclaim = mayDeadlock;
        this.writebackCache = writebackCache;
        this.iPages = b.lock(name + ".i_pages", "i_pages", Lock.Kind.SPINLOCK);
        this.iPrivate = b.lock(name + ".i_private_lock", "i_private_lock", Lock.Kind.SPINLOCK);
    }

    public String name() { return name; }
    public MigrateFolio migrateFolio() { return migrateFolio; }

    /** AS_WRITEBACK_MAY_DEADLOCK_ON_RECLAIM (include/linux/pagemap.h, v6.16+). */
    public boolean writebackMayDeadlockOnReclaim() { return writebackMayDeadlockOnReclaim; }

    /** FUSE connection uses writeback_cache (fs/fuse/file.c fuse_init_file_inode). */
    public boolean writebackCache() { return writebackCache; }

    /**
     * The blocks that look this mapping's folios up by their declared index ({@link Truncate},
     * {@link Writeback}, {@link Truncate#getEntry}): they do not follow a folio that migration moves
     * into a destination without a mapping, so {@link Migrate} refuses to migrate a folio of a mapping
     * that one of them walks (a model error naming both), rather than let them miss it.
     */
    private final java.util.List<String> walkers = new java.util.ArrayList<>();

    /** Records that {@code block} walks this mapping's declared folios (build time). */
    void walkedBy(String block) {
        if (!walkers.contains(block)) {
            walkers.add(block);
        }
    }

    /** The blocks that walk this mapping's declared folios, in the order they were built. */
    public java.util.List<String> walkers() { return java.util.List.copyOf(walkers); }

    @Override public String toString() { return name; }
}
