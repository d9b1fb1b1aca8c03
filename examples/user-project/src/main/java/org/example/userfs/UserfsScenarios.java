package org.example.userfs;

import java.util.Map;
import org.migcheck.model.scenarios.BaseScenario;
import org.migcheck.model.scenarios.DelegatingScenario;
import org.migcheck.model.scenarios.Expect;
import org.migcheck.model.scenarios.Knob;

/** The project's scenarios for the migcheck command line, registered in META-INF/services. */
public final class UserfsScenarios {
    private UserfsScenarios() {}

    /** {@code userfs-flush-work}: flush_work under the mutex the work function takes. */
    public static final class FlushWork extends DelegatingScenario {
        public FlushWork() {
            super(BaseScenario.builder("userfs-flush-work")
                    .title("an ioctl flushes the device's work item under the mutex the work function takes")
                    .reference("kernel/workqueue.c __flush_work; examples/user-project FlushWorkModel")
                    .knob(Knob.bool("flushUnderLock", true, "the ioctl calls flush_work with dev->lock held"))
                    .model(k -> FlushWorkModel.build(k.flag("flushUnderLock")))
                    .variant("under-lock", Map.of("flushUnderLock", "true"), Expect.deadlock(),
                            "hypothetical driver: flush_work inside mutex_lock(&dev->lock)")
                    .variant("unlocked", Map.of("flushUnderLock", "false"), Expect.holds().reach("both-updated", true),
                            "the fix: flush before taking the mutex")
                    .build());
        }
    }

    /** {@code userfs-mkwrite}: page_mkwrite dirtying a folio that truncate removes. */
    public static final class Mkwrite extends DelegatingScenario {
        public Mkwrite() {
            super(BaseScenario.builder("userfs-mkwrite")
                    .title("a filesystem's page_mkwrite dirties a folio while truncate removes it")
                    .reference("mm/filemap.c filemap_page_mkwrite; examples/user-project MkwriteTruncateModel")
                    .knob(Knob.bool("recheck", false, "page_mkwrite locks the folio and re-checks folio->mapping"))
                    .model(k -> MkwriteTruncateModel.build(k.flag("recheck")))
                    .variant("unlocked", Map.of("recheck", "false"), Expect.violated(DirtyInCacheRule.ID),
                            "hypothetical filesystem: folio_mark_dirty without the folio lock")
                    .variant("recheck", Map.of("recheck", "true"), Expect.holds().reach("dirtied-in-cache", true),
                            "v6.19 filemap_page_mkwrite: lock, re-check folio->mapping, dirty")
                    .build());
        }
    }
}
