package org.migcheck.ci.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.junit.Migcheck;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.trace.Trace;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;
import org.migcheck.model.mm.Buffers;
import org.migcheck.model.mm.Data;
import org.migcheck.model.mm.Folio;
import org.migcheck.model.mm.FolioOps;
import org.migcheck.model.mm.FolioRef;
import org.migcheck.model.mm.Mapping;
import org.migcheck.model.mm.Mm;

/**
 * Data versions: a lost update through a buffer head. A block-device folio F with one buffer head is
 * migrated to D (copy, page-cache slot switch, folio_set_bh); a writer takes bh->b_data and writes
 * through it. The kernel's buffer_migrate_folio locks the buffers around the copy and the switch
 * (mm/migrate.c buffer_migrate_lock_buffers), and the writer holds the buffer lock from taking the
 * pointer to the write, so the write lands in the folio the page cache maps. A migrator that does
 * not lock the buffers (a hypothetical mutation) lets the write land in F after the switch: lost.
 */
class DataRulesTest {

    static Model model(boolean migratorLocksBuffers) {
        Model.Builder m = Model.builder(migratorLocksBuffers ? "bh-write-locked" : "bh-write-unlocked-migration");
        Mm mm = new Mm(m);
        Mapping bdev = mm.mapping("bdev", Mapping.MigrateFolio.BUFFER_MIGRATE_FOLIO, false, false);
        Folio f = mm.folio("F", bdev, new Folio.Init().privateData(true).ref(2)); // page cache + buffers
        Folio d = mm.folio("D", bdev, new Folio.Init().inCache(false).lru(false)); // the migration target
        Buffers bufs = new Buffers(mm, "bh", bdev, f, 1, new int[] {1}, new boolean[] {false});
        Buffers.BhRef bh0 = Buffers.fixed(bufs.bh(0));
        Data data = new Data(mm);
        data.track(f);
        data.track(d);
        data.track(bufs.bh(0));
        FolioRef src = FolioRef.fixed(f);
        FolioRef dst = FolioRef.fixed(d);

        Procedure writer = mm.thread("writer");        // e.g. a filesystem updating a metadata block
        Local page = writer.local("b_data", 0, 1);
        writer.body(b -> b
                .step(Buffers.lockBuffer(bh0))
                .step(data.bData(bufs, bh0, page))
                .step(data.writeAt("memcpy", bh0, page))
                .step(Buffers.unlockBuffer(bh0)));

        Procedure migrator = mm.thread("migrator");    // __buffer_migrate_folio, reduced to the data path
        migrator.body(b -> {
            b.step(FolioOps.folioLock(src)).step(FolioOps.folioLock(dst));
            if (migratorLocksBuffers) {
                b.step(Buffers.lockBuffer(bh0));
            }
            b.step(Step.named("__folio_migrate_mapping").args("F -> D")
                            .does(e -> {
                                e.set(f.inCache, false);
                                e.set(d.inCache, true);
                            }).build())
                    .step(bufs.folioSetBh(bh0, dst))
                    .step(data.copy("folio_mc_copy", src, dst));
            if (migratorLocksBuffers) {
                b.step(Buffers.unlockBuffer(bh0));
            }
            b.step(FolioOps.folioUnlock(dst)).step(FolioOps.folioUnlock(src));
        });
        m.goal("written-into-D", v -> data.version(v, d) == 1 && v.isSet(d.inCache));
        return m.build();
    }

    @Test
    void lockedBuffersKeepTheWriteInTheMappedFolio() {
        Migcheck.assertHolds(model(true));
        Migcheck.assertReachable(model(true), "written-into-D");
    }

    @Test
    void aWriteThroughAStaleBufferPointerIsALostUpdate() {
        CheckResult r = Migcheck.assertViolates(model(false), "data.lost-update");
        List<String> steps = r.trace().rows().stream().map(Trace.Row::label).toList();
        // by hand: writer locks bh0 and takes b_data = F (2); migrator locks F and D, switches the slot (3);
        // the writer's memcpy lands in F (1): six steps
        assertEquals(6, r.schedule().length, steps.toString());
        assertEquals("memcpy(bh0->b_data = F)", steps.get(steps.size() - 1));
        assertTrue(r.message().contains("writer writes F through bh0, but the page cache now maps D"), r.message());
    }
}
