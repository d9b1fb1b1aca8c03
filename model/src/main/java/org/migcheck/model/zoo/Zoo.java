package org.migcheck.model.zoo;

import java.util.List;
import java.util.Map;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Steps;
import org.migcheck.model.lang.Var;
import org.migcheck.model.scenarios.BaseScenario;
import org.migcheck.model.scenarios.Expect;
import org.migcheck.model.scenarios.Knob;
import org.migcheck.model.scenarios.Scenario;

/**
 * Small models with exactly known behaviour: they exercise the engine, serve as examples, and their
 * state counts are derived by hand and by an independent enumerator in the tests.
 */
public final class Zoo {
    private Zoo() {}

    public static List<Scenario> all() {
        return List.of(abba(), abbaOrdered(), abbaGated(), philosophers(), lostUpdate(), starvedWaiter());
    }

    /** Two threads, two mutexes, opposite order. */
    public static Model abbaModel(boolean ordered, boolean gated) {
        Model.Builder m = Model.builder(gated ? "abba-gated" : ordered ? "abba-ordered" : "abba");
        Lock g = gated ? m.mutex("G") : null;
        Lock a = m.mutex("A");
        Lock b = m.mutex("B");
        for (int i = 1; i <= 2; i++) {
            Lock first = (i == 1 || ordered) ? a : b;
            Lock second = first == a ? b : a;
            m.thread("t" + i, body -> {
                if (g != null) {
                    body.step(Steps.lock("mutex_lock", g));
                }
                body.step(Steps.lock("mutex_lock", first))
                        .step(Steps.lock("mutex_lock", second))
                        .step(Steps.unlock("mutex_unlock", second))
                        .step(Steps.unlock("mutex_unlock", first));
                if (g != null) {
                    body.step(Steps.unlock("mutex_unlock", g));
                }
            });
        }
        return m.build();
    }

    static Scenario abba() {
        return BaseScenario.builder("abba")
                .title("two threads take two mutexes in opposite order")
                .reference("zoo: the classic ABBA deadlock")
                .model(k -> abbaModel(false, false))
                .variant("default", Map.of(), Expect.deadlock(), "t1 takes A then B, t2 takes B then A")
                .build();
    }

    static Scenario abbaOrdered() {
        return BaseScenario.builder("abba-ordered")
                .title("two threads take two mutexes in the same order")
                .reference("zoo: lock ordering prevents ABBA")
                .model(k -> abbaModel(true, false))
                .variant("default", Map.of(), Expect.holds().survives("no-lock *", "zoo model: the mutexes guard no shared"
                        + " state (it exists to show lock order), so a section run unlocked changes nothing a rule reads"),
                        "both take A then B")
                .build();
    }

    static Scenario abbaGated() {
        return BaseScenario.builder("abba-gated")
                .title("opposite order of A and B, but both inside an outer lock G: no deadlock, still an inversion")
                .reference("zoo: lockdep reports A -> B and B -> A although G serialises them")
                .model(k -> abbaModel(false, true))
                .variant("default", Map.of(), Expect.violated("lock-order.cycle"), "t1: G, A, B; t2: G, B, A")
                .build();
    }

    /** n philosophers, n forks; philosopher i takes fork i then fork i+1; ordered: the last one takes the lower fork first. */
    public static Model philosophersModel(int n, boolean ordered) {
        Model.Builder m = Model.builder("philosophers-" + n + (ordered ? "-ordered" : ""));
        Lock[] fork = new Lock[n];
        for (int i = 0; i < n; i++) {
            fork[i] = m.lock("fork" + i, "fork", Lock.Kind.MUTEX);
        }
        for (int i = 0; i < n; i++) {
            int left = i;
            int right = (i + 1) % n;
            Lock first = ordered ? fork[Math.min(left, right)] : fork[left];
            Lock second = ordered ? fork[Math.max(left, right)] : fork[right];
            m.thread("phil" + i, b -> b
                    .step(Steps.lock("mutex_lock", first))
                    .step(Steps.lock("mutex_lock", second))
                    .step(Steps.unlock("mutex_unlock", second))
                    .step(Steps.unlock("mutex_unlock", first)));
        }
        return m.build();
    }

    private static Expect orderedPhilosophers() {
        return Expect.holds().survives("no-lock *", "zoo model: the forks guard no shared state (it exists to show circular"
                + " waits), so eating without one changes nothing a rule reads");
    }

    static Scenario philosophers() {
        return BaseScenario.builder("philosophers")
                .title("dining philosophers: n threads, n forks")
                .reference("zoo: circular wait among n threads")
                .knob(Knob.range("n", 2, 12, 3, "number of philosophers"))
                .knob(Knob.bool("ordered", false, "the last philosopher takes the lower-numbered fork first"))
                .model(k -> philosophersModel(k.integer("n"), k.flag("ordered")))
                // at every n, so that mutate --set n=5 --set ordered=true is judged as the named variant is
                .expect(k -> k.flag("ordered") ? orderedPhilosophers() : Expect.deadlock())
                .variant("circular", Map.of("ordered", "false"), Expect.deadlock(), "everyone takes the left fork first")
                .variant("ordered", Map.of("ordered", "true"), orderedPhilosophers(), "resource ordering breaks the cycle")
                .build();
    }

    /**
     * Two threads increment a shared counter; non-atomically (read into a local, then write) an
     * update can be lost, which an observer thread asserts against once both have finished.
     */
    public static Model lostUpdateModel(boolean atomic) {
        Model.Builder m = Model.builder(atomic ? "counter-atomic" : "counter-racy");
        Var x = m.counter("x", 0, 2, 0);
        for (int i = 1; i <= 2; i++) {
            Procedure t = m.thread("inc" + i);
            Local tmp = t.local("tmp", 0, 2);
            if (atomic) {
                t.body(b -> b.step(Step.named("atomic_inc").args("x").does(e -> e.add(x, 1)).build()));
            } else {
                t.body(b -> b
                        .step(Step.named("READ_ONCE").args("x").does(e -> e.setLocal(tmp, e.get(x))).build())
                        .step(Step.named("WRITE_ONCE").args("x").does(e -> e.set(x, e.local(tmp) + 1)).build()));
            }
        }
        m.thread("observer", b -> b
                .step(Step.named("wait_for_completion").args("inc1, inc2")
                        .when(e -> e.finished(0) && e.finished(1))
                        .blockedBy(e -> new BlockReason.OnCondition("inc1 and inc2 to finish", "done"))
                        .build())
                .assertThat("counter.lost-update", "x == 2", e -> e.get(x) == 2));
        return m.build();
    }

    static Scenario lostUpdate() {
        return BaseScenario.builder("counter")
                .title("two increments of a shared counter, atomic or read-then-write")
                .reference("zoo: a lost update caught by an assertion step")
                .knob(Knob.bool("atomic", false, "increment with one atomic step"))
                .model(k -> lostUpdateModel(k.flag("atomic")))
                .variant("racy", Map.of("atomic", "false"), Expect.violated("counter.lost-update"), "read, then write: an update can be lost")
                .variant("atomic", Map.of("atomic", "true"), Expect.holds(), "atomic increments")
                .build();
    }

    /**
     * A thread waits for a flag that only a second waiter would set, while a third thread keeps
     * running forever: no deadlock state exists, but the waiter is stuck.
     */
    public static Model starvedWaiterModel(boolean setter) {
        Model.Builder m = Model.builder("starved-waiter");
        Var ready = m.flag("ready", false);
        Var ticks = m.var("ticks", 0, 1, 0);
        m.thread("waiter", b -> b
                .step(Step.named("wait_event").args("ready")
                        .when(e -> e.isSet(ready))
                        .blockedBy(e -> new BlockReason.OnCondition("ready to be set", "ready"))
                        .build())
                .step(Step.named("consume").args("ready").does(e -> e.set(ready, false)).build()));
        m.thread("ticker").daemon().body(b -> b.forever(body -> body
                .step(Step.named("tick").args("ticks").does(e -> e.set(ticks, 1 - e.get(ticks))).build())));
        if (setter) {
            m.thread("setter", b -> b.step(Step.named("set_ready").args("ready").provides("ready")
                    .does(e -> e.set(ready, true)).build()));
        }
        return m.build();
    }

    static Scenario starvedWaiter() {
        return BaseScenario.builder("starved-waiter")
                .title("a waiter nobody wakes while another thread runs forever")
                .reference("zoo: stuck thread without a deadlock state")
                .knob(Knob.bool("setter", false, "add a thread that sets the flag"))
                .model(k -> starvedWaiterModel(k.flag("setter")))
                .variant("no-setter", Map.of("setter", "false"), Expect.stuck(), "nobody sets ready")
                .variant("setter", Map.of("setter", "true"), Expect.holds().survives("no-wait waiter: wait_event",
                        "zoo model: consume clears ready whether or not it was set, and nothing reads it afterwards"),
                        "the setter sets ready")
                .build();
    }
}
