package org.migcheck.model.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.Event;
import org.migcheck.model.lang.LockEvent;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Semantics;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Steps;
import org.migcheck.model.zoo.Zoo;

/**
 * The interleaving semantics on its own, without the engine: a plain BFS over
 * {@link Semantics#expand} with a {@code HashSet<List<Integer>>}, against counts derived by hand
 * (see the checker's StateCountTest for the derivations).
 */
class SemanticsTest {

    record Space(int states, int transitions, int failures, int deadEnds) {}

    static Space explore(Model m) {
        Semantics sem = new Semantics(m);
        Set<List<Integer>> seen = new HashSet<>();
        ArrayDeque<int[]> queue = new ArrayDeque<>();
        int[] init = sem.initialState();
        seen.add(box(init));
        queue.add(init);
        int[] counts = new int[3];
        while (!queue.isEmpty()) {
            int[] s = queue.poll();
            boolean[] moved = {false};
            sem.expand(s, new Semantics.Sink() {
                @Override public void fired(int thread, int alt, int[] next, List<Event> events) {
                    counts[0]++;
                    moved[0] = true;
                    if (seen.add(box(next))) {
                        queue.add(next);
                    }
                }

                @Override public void failed(int thread, int alt, RuntimeException error) {
                    counts[1]++;
                    moved[0] = true;
                }

                @Override public void blocked(int thread, BlockReason reason) {
                    assertNotNull(reason);
                }
            });
            if (!moved[0]) {
                counts[2]++;
            }
        }
        return new Space(seen.size(), counts[0], counts[1], counts[2]);
    }

    static List<Integer> box(int[] s) {
        return Arrays.stream(s).boxed().toList();
    }

    @Test
    void zooCountsWithoutTheEngine() {
        assertEquals(new Space(16, 16, 0, 1), explore(Zoo.abbaModel(true, false)));
        assertEquals(new Space(24, 24, 0, 1), explore(Zoo.abbaModel(false, true)));
        assertEquals(new Space(6, 6, 0, 1), explore(Zoo.lostUpdateModel(true)));
        assertEquals(new Space(16, 16, 0, 1), explore(Zoo.philosophersModel(2, true)));
        assertEquals(new Space(8, 14, 0, 0), explore(Zoo.starvedWaiterModel(true)));
        assertEquals(new Space(2, 2, 0, 0), explore(Zoo.starvedWaiterModel(false)));
    }

    @Test
    void abbaHasOneDeadEndBesidesTheEnd() {
        // the end state (both finished) and the deadlock (each holds its first lock)
        Space s = explore(Zoo.abbaModel(false, false));
        assertEquals(2, s.deadEnds());
    }

    @Test
    void racyCounterFailsOnlyInTheAssert() {
        Space s = explore(Zoo.lostUpdateModel(false));
        // interleavings of two 2-step threads leave x = 1 or 2; the assert fails in the x = 1 states
        assertTrue(s.failures() > 0);
        Space atomic = explore(Zoo.lostUpdateModel(true));
        assertEquals(0, atomic.failures());
    }

    @Test
    void labelsBlockReasonsAndFire() {
        Model m = Zoo.abbaModel(false, false);
        Semantics sem = new Semantics(m);
        int[] s0 = sem.initialState();
        assertEquals("mutex_lock(A)", sem.label(s0, 0, 0));
        assertEquals("mutex_lock(B)", sem.label(s0, 1, 0));
        Semantics.Fired f1 = sem.fire(s0, 0, 0);
        assertTrue(f1.events().stream().anyMatch(e -> e instanceof LockEvent.Acquired a && a.lock().name().equals("A")));
        int[] s2 = sem.fire(f1.next(), 1, 0).next();
        assertFalse(sem.enabled(s2, 0));
        assertFalse(sem.enabled(s2, 1));
        BlockReason why = sem.blockReason(s2, 0);
        assertTrue(why instanceof BlockReason.OnLock l && l.lock().name().equals("B") && l.holder() == 1, String.valueOf(why));
        assertEquals("waits for B held by t2", why.describe(m));
        assertThrows(IllegalStateException.class, () -> sem.fire(s2, 0, 0));
        assertNull(sem.blockReason(s0, 0));
        assertEquals(List.of("t1"), sem.callStack(s0, 0));
    }

    @Test
    void finishedThreadsCannotFire() {
        Model.Builder b = Model.builder("one");
        b.thread("t", body -> body.step(Step.named("only").build()));
        Model m = b.build();
        Semantics sem = new Semantics(m);
        int[] done = sem.fire(sem.initialState(), 0, 0).next();
        assertTrue(sem.finished(done, 0));
        assertEquals("(finished)", sem.label(done, 0, 0));
        assertEquals(0, sem.alternatives(done, 0));
        assertThrows(IllegalStateException.class, () -> sem.fire(done, 0, 0));
    }

    @Test
    void callStackNamesTheProcedures() {
        Model.Builder b = Model.builder("stack");
        Procedure inner = b.procedure("folio_wait_writeback");
        inner.body(body -> body.step(Step.named("wait").build()));
        Procedure outer = b.procedure("shrink_folio_list");
        outer.body(body -> body.call(inner));
        b.thread("kswapd", body -> body.call(outer));
        Model m = b.build();
        Semantics sem = new Semantics(m);
        assertEquals(List.of("folio_wait_writeback", "shrink_folio_list", "kswapd"), sem.callStack(sem.initialState(), 0));
        assertEquals(2, m.thread(0).maxDepth());
    }

    @Test
    void builderErrorsNameTheElement() {
        Model.Builder b = Model.builder("dup");
        b.var("x", 0, 1, 0);
        ModelError dup = assertThrows(ModelError.class, () -> b.var("x", 0, 1, 0));
        assertTrue(dup.getMessage().contains("x"), dup.getMessage());
        assertEquals("x", dup.element());
        ModelError range = assertThrows(ModelError.class, () -> b.var("y", 0, 1, 5));
        assertTrue(range.getMessage().contains("y starts at 5"), range.getMessage());

        Model.Builder br = Model.builder("break");
        br.thread("t", body -> body.breakLoop());
        ModelError brk = assertThrows(ModelError.class, br::build);
        assertTrue(brk.getMessage().contains("break outside a loop"), brk.getMessage());

        ModelError none = assertThrows(ModelError.class, () -> Model.builder("empty").build());
        assertTrue(none.getMessage().contains("no threads"), none.getMessage());

        Model.Builder args = Model.builder("arity");
        Procedure p = args.procedure("p");
        p.param("a", 0, 1);
        p.body(body -> body.step(Step.named("s").build()));
        args.thread("t", body -> body.call(p));
        ModelError arity = assertThrows(ModelError.class, args::build);
        assertTrue(arity.getMessage().contains("with 0 arguments; it takes 1"), arity.getMessage());

        Model.Builder twice = Model.builder("twice");
        Lock l = twice.mutex("L");
        twice.thread("t", body -> body.step(Steps.lock("mutex_lock", l)).step(Steps.unlock("mutex_unlock", l)));
        twice.build();
        assertThrows(ModelError.class, () -> twice.var("late", 0, 1, 0));
    }

    @Test
    void slotDomainsCoverEveryReachableState() {
        for (Model m : List.of(Zoo.abbaModel(false, true), Zoo.philosophersModel(3, true), Zoo.lostUpdateModel(false))) {
            int[] lo = m.slotMin();
            int[] hi = m.slotMax();
            Semantics sem = new Semantics(m);
            int[] s = sem.initialState();
            assertEquals(m.stateSize(), s.length);
            for (int i = 0; i < s.length; i++) {
                assertTrue(lo[i] <= s[i] && s[i] <= hi[i], m.name() + " slot " + i);
            }
        }
        List<int[]> all = new ArrayList<>();
        Model m = Zoo.lostUpdateModel(false);
        Semantics sem = new Semantics(m);
        all.add(sem.initialState());
        for (int k = 0; k < all.size(); k++) {
            sem.expand(all.get(k), new Semantics.Sink() {
                @Override public void fired(int thread, int alt, int[] next, List<Event> events) {
                    if (all.stream().noneMatch(x -> Arrays.equals(x, next))) {
                        all.add(next);
                    }
                }
                @Override public void failed(int thread, int alt, RuntimeException error) { }
                @Override public void blocked(int thread, BlockReason reason) { }
            });
        }
        for (int[] s : all) {
            for (int i = 0; i < s.length; i++) {
                assertTrue(m.slotMin()[i] <= s[i] && s[i] <= m.slotMax()[i], "slot " + i + " = " + s[i]);
            }
        }
        assertTrue(all.size() > 6);
    }
}
