package org.migcheck.model.mm;

import java.util.LinkedHashMap;
import java.util.Map;
import org.migcheck.model.lang.Exec;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.lang.StateView;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Var;

/**
 * Optional contents: a small version number per folio and per buffer head, and steps that read,
 * write and copy data, so a lost update or a read of stale or freed data is a rule
 * ({@code data.lost-update}, {@code data.stale-read}, {@code folio.use-after-free}) rather than a
 * proxy. Only objects passed to {@link #track} carry a version, so models that do not use data keep
 * their state vectors.
 *
 * <p>A version is what the data looks like, not a count of writes: a write stores {@code v + 1} modulo
 * {@link #VERSIONS}; a copy (folio_copy, folio_mc_copy in migration) stores the source's version in the
 * destination. Simplification: a mapping holds one file index, so the folio in its page cache is the
 * current copy of the data, and the rules compare against it; versions wrap after {@value #VERSIONS}
 * writes, so a model with more writes to one folio can hide a stale read (raise it if needed).
 */
public final class Data {
    /** Number of distinct versions (0..VERSIONS-1). */
    public static final int VERSIONS = 4;

    private final Mm mm;
    private final Map<Folio, Var> folioVersion = new LinkedHashMap<>();
    private final Map<Buffers.Bh, Var> bufferVersion = new LinkedHashMap<>();

    /** Data tracking for the objects of {@code mm}; registered with the model so rules can find it. */
    public Data(Mm mm) {
        this.mm = mm;
        mm.builder().register(this);
    }

    /** Gives folio {@code f} a content version (initially 0). */
    public Var track(Folio f) {
        return folioVersion.computeIfAbsent(f, x -> mm.builder().var(x.name() + ".data", 0, VERSIONS - 1, 0, v -> "v" + v, true));
    }

    /** Gives buffer head {@code bh} a content version (the block's data; initially 0). */
    public Var track(Buffers.Bh bh) {
        return bufferVersion.computeIfAbsent(bh, x -> mm.builder().var(x.name() + ".data", 0, VERSIONS - 1, 0, v -> "v" + v, true));
    }

    /** The content version of {@code f} in state {@code s}, or -1 when it is not tracked. */
    public int version(StateView s, Folio f) {
        Var v = folioVersion.get(f);
        return v == null ? -1 : s.get(v);
    }

    /** Whether {@code f} carries a version. */
    public boolean tracks(Folio f) { return folioVersion.containsKey(f); }

    private Var versionOf(Folio f) {
        Var v = folioVersion.get(f);
        if (v == null) {
            throw new ModelError(f.name(), "folio " + f.name() + " carries no data version: call Data.track(" + f.name() + ")");
        }
        return v;
    }

    /** Writes into {@code x} inside a larger step; returns the new version. */
    public int write(Exec e, Folio x, String how, String via) {
        Var v = versionOf(x);
        int next = (e.get(v) + 1) % VERSIONS;
        e.set(v, next);
        e.emit(new FolioEvent.Written(x, how, via, next));
        return next;
    }

    /** Reads {@code x} inside a larger step; returns the version seen. */
    public int read(Exec e, Folio x, String how, String via) {
        int seen = e.get(versionOf(x));
        e.emit(new FolioEvent.Read(x, how, via, seen));
        return seen;
    }

    /** A write into folio {@code f} named after the kernel function ({@code copy_from_user}, {@code memcpy}). */
    public Step write(String function, FolioRef f) {
        return Step.named(function).args(e -> f.of(e).name()).does(e -> write(e, f.of(e), function, "")).build();
    }

    /** A read of folio {@code f}; the version seen is stored in {@code seen} when not null. */
    public Step read(String function, FolioRef f, Local seen) {
        return Step.named(function)
                .args(e -> f.of(e).name())
                .does(e -> {
                    int v = read(e, f.of(e), function, "");
                    if (seen != null) {
                        e.setLocal(seen, v);
                    }
                })
                .build();
    }

    /** Copies the data of {@code src} into {@code dst} (folio_copy / folio_mc_copy): {@code dst} gets {@code src}'s version. */
    public Step copy(String function, FolioRef src, FolioRef dst) {
        return Step.named(function)
                .args(e -> src.of(e).name() + " -> " + dst.of(e).name())
                .does(e -> {
                    Folio s = src.of(e);
                    Folio d = dst.of(e);
                    // migration copies after the slot switch (mm/migrate.c __buffer_migrate_folio), with both
                    // folios locked and frozen: neither the copy's read nor its write is a data access the
                    // stale-read and lost-update rules judge; use-after-free still sees the source access
                    e.emit(new FolioEvent.Accessed(s, function));
                    e.set(versionOf(d), e.get(versionOf(s)));
                })
                .build();
    }

    /**
     * {@code bh->b_data} taken into local {@code into}: the id of the folio the buffer's data pointer
     * points into now. A later write or read through that pointer uses {@link #writeAt} / {@link #readAt}.
     */
    public Step bData(Buffers buffers, Buffers.BhRef bh, Local into) {
        return Step.named("bh->b_data")
                .args(e -> bh.of(e).name())
                .does(e -> e.setLocal(into, buffers.dataFolio(e, bh.of(e)).id()))
                .build();
    }

    /**
     * A write through a data pointer taken earlier with {@link #bData}: into the folio it points to,
     * whether or not the buffer (or the page cache) still uses that folio. The buffer's own version is
     * bumped too when it is tracked.
     */
    public Step writeAt(String function, Buffers.BhRef bh, Local pointer) {
        FolioRef at = mm.at(pointer);
        return Step.named(function)
                .args(e -> bh.of(e).name() + "->b_data = " + at.of(e).name())
                .does(e -> {
                    Buffers.Bh b = bh.of(e);
                    int v = write(e, at.of(e), function, b.name());
                    Var bv = bufferVersion.get(b);
                    if (bv != null) {
                        e.set(bv, v);
                    }
                })
                .build();
    }

    /** A read through a data pointer taken earlier with {@link #bData}. */
    public Step readAt(String function, Buffers.BhRef bh, Local pointer) {
        FolioRef at = mm.at(pointer);
        return Step.named(function)
                .args(e -> bh.of(e).name() + "->b_data = " + at.of(e).name())
                .does(e -> read(e, at.of(e), function, bh.of(e).name()))
                .build();
    }

    /**
     * The folio the page cache maps for {@code f}'s index: the folio of the same mapping that is in the
     * page cache (one index per mapping), or null.
     */
    public Folio current(StateView s, Folio f) {
        if (f.mapping() == null) {
            return null;
        }
        for (Folio g : s.model().objects(Folio.class)) {
            if (g.mapping() == f.mapping() && s.isSet(g.inCache)) {
                return g;
            }
        }
        return null;
    }
}
