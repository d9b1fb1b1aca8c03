package org.migcheck.ci.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.migcheck.checker.junit.Migcheck;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Verdict;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.mm.Mm;
import org.migcheck.model.mm.Task;
import org.migcheck.model.mm.TaskOps;
import org.migcheck.properties.KernelRules;

/**
 * memalloc_noreclaim_restore puts back the PF_MEMALLOC its save found (include/linux/sched/mm.h); the
 * non-nesting steps cleared it, so kswapd (PF_MEMALLOC for life) lost it after one scope and the rules
 * that read it went quiet. The non-nesting save now refuses a task that has the flag; the overload with
 * a saved-flag local nests as the kernel does.
 */
class NoreclaimScopeTest {

    private static Model kswapdScope(boolean nesting) {
        Model.Builder b = Model.builder("kswapd-noreclaim-" + (nesting ? "saved" : "plain"));
        Mm mm = new Mm(b);
        Procedure p = mm.thread("kswapd0");
        Task t = mm.task("kswapd0");
        if (nesting) {
            Local saved = p.local("noreclaim_flag", 0, 1);
            p.body(x -> x.step(TaskOps.kswapdSetsPfMemalloc(t))
                    .step(TaskOps.memallocNoreclaimSave(t, saved))
                    .step(TaskOps.memallocNoreclaimRestore(t, saved))
                    .assertThat("test.pf-memalloc-kept", "kswapd keeps PF_MEMALLOC after a nested scope", e -> e.isSet(t.pfMemalloc())));
        } else {
            p.body(x -> x.step(TaskOps.kswapdSetsPfMemalloc(t))
                    .step(TaskOps.memallocNoreclaimSave(t))
                    .step(TaskOps.memallocNoreclaimRestore(t)));
        }
        return b.build();
    }

    @Test
    void aNestedScopeKeepsPfMemallocOrIsRefused() {
        CheckResult saved = Migcheck.check(kswapdScope(true), KernelRules.all()).result();
        assertEquals(Verdict.HOLDS, saved.verdict(), saved.message());
        CheckResult plain = Migcheck.check(kswapdScope(false), KernelRules.all()).result();
        assertEquals(Verdict.MODEL_ERROR, plain.verdict(), plain.message());
        assertTrue(plain.message().startsWith("kswapd0 enters memalloc_noreclaim_save with PF_MEMALLOC already set"), plain.message());
    }
}
