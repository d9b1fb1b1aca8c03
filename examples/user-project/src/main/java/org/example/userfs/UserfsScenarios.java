package org.example.userfs;

import java.util.List;
import java.util.Map;
import org.migcheck.model.lang.Model;
import org.migcheck.model.scenarios.BaseScenario;
import org.migcheck.model.scenarios.Expect;
import org.migcheck.model.scenarios.Knob;
import org.migcheck.model.scenarios.Knobs;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.model.scenarios.Variant;

/** The project's scenarios for the migcheck command line, registered in META-INF/services. */
public final class UserfsScenarios {
    private UserfsScenarios() {}

    /** {@code userfs-flush-work}: flush_work under the mutex the work function takes. */
    public static final class FlushWork implements Scenario {
        private final Scenario s = BaseScenario.builder("userfs-flush-work")
                .title("an ioctl flushes the device's work item under the mutex the work function takes")
                .reference("kernel/workqueue.c __flush_work; examples/user-project FlushWorkModel")
                .knob(Knob.bool("flushUnderLock", true, "the ioctl calls flush_work with dev->lock held"))
                .model(k -> FlushWorkModel.build(k.flag("flushUnderLock")))
                .variant("under-lock", Map.of("flushUnderLock", "true"), Expect.deadlock(),
                        "hypothetical driver: flush_work inside mutex_lock(&dev->lock)")
                .variant("unlocked", Map.of("flushUnderLock", "false"), Expect.holds().reach("both-updated", true),
                        "the fix: flush before taking the mutex")
                .build();

        @Override public String id() { return s.id(); }
        @Override public String title() { return s.title(); }
        @Override public String reference() { return s.reference(); }
        @Override public List<Knob> knobs() { return s.knobs(); }
        @Override public List<Variant> variants() { return s.variants(); }
        @Override public Model build(Knobs k) { return s.build(k); }
    }

    /** {@code userfs-mkwrite}: page_mkwrite dirtying a folio that truncate removes. */
    public static final class Mkwrite implements Scenario {
        private final Scenario s = BaseScenario.builder("userfs-mkwrite")
                .title("a filesystem's page_mkwrite dirties a folio while truncate removes it")
                .reference("mm/filemap.c filemap_page_mkwrite; examples/user-project MkwriteTruncateModel")
                .knob(Knob.bool("recheck", false, "page_mkwrite locks the folio and re-checks folio->mapping"))
                .model(k -> MkwriteTruncateModel.build(k.flag("recheck")))
                .variant("unlocked", Map.of("recheck", "false"), Expect.violated(DirtyInCacheRule.ID),
                        "hypothetical filesystem: folio_mark_dirty without the folio lock")
                .variant("recheck", Map.of("recheck", "true"), Expect.holds().reach("dirtied-in-cache", true),
                        "v6.19 filemap_page_mkwrite: lock, re-check folio->mapping, dirty")
                .build();

        @Override public String id() { return s.id(); }
        @Override public String title() { return s.title(); }
        @Override public String reference() { return s.reference(); }
        @Override public List<Knob> knobs() { return s.knobs(); }
        @Override public List<Variant> variants() { return s.variants(); }
        @Override public Model build(Knobs k) { return s.build(k); }
    }
}
