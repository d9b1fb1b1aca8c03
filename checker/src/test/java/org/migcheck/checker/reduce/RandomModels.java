package org.migcheck.checker.reduce;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.Body;
import org.migcheck.model.lang.Cond;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Steps;
import org.migcheck.model.lang.Var;

/**
 * A seeded generator of small random models with symmetry built in on purpose: k interchangeable
 * members, each a thread running one shared random program over its own object (a mutex and a
 * flag), plus shared state (a global mutex G and a counter c) and an ordinary thread. Programs mix
 * lock blocks, flag and counter updates, shared tests, nondeterministic choices, waits on the
 * counter (so deadlocks occur) and inert steps (so partial-order reduction has work).
 */
final class RandomModels {
    private RandomModels() {}

    /** The generated model and its symmetric-safe invariant and goal. */
    record Generated(Model model, int members, List<Var> flags, Var counter) {}

    static Generated generate(long seed, boolean asymmetricGoal) {
        Random r = new Random(seed);
        int k = 2 + r.nextInt(2);
        Model.Builder b = Model.builder("random-" + seed);
        Lock g = b.mutex("G");
        Var c = b.var("c", 0, 2, 0);
        List<Lock> locks = new ArrayList<>();
        List<Var> flags = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            locks.add(b.mutex("o" + j + ".lock"));
            flags.add(b.var("o" + j + ".v", 0, 2, 0));
        }
        int len = 2 + r.nextInt(4);
        int[] prog = new int[len];
        for (int i = 0; i < len; i++) {
            prog[i] = r.nextInt(8);
        }
        List<Model.SymmetricMember> members = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            Lock own = locks.get(j);
            Var flag = flags.get(j);
            Procedure t = b.thread("t" + j);
            Local x = t.local("x", 0, 1);
            t.body(body -> {
                for (int op : prog) {
                    emit(body, op, own, flag, g, c, x);
                }
            });
            members.add(new Model.SymmetricMember(List.of("t" + j), List.of("o" + j), List.of()));
        }
        int ulen = 1 + r.nextInt(3);
        int[] uprog = new int[ulen];
        for (int i = 0; i < ulen; i++) {
            uprog[i] = r.nextInt(3);
        }
        b.thread("u", body -> {
            for (int op : uprog) {
                switch (op) {
                    case 0 -> body.step(Steps.lock("mutex_lock", g)).step(bump(c, 2)).step(Steps.unlock("mutex_unlock", g));
                    case 1 -> body.step(bump(c, 1));
                    default -> body.step(Step.named("cond_resched").build());
                }
            }
        });
        b.symmetric("members", members);
        b.goal("some-flag-and-c", s -> s.get(c) == 2 && flags.stream().anyMatch(f -> s.get(f) == 1));
        if (asymmetricGoal) {
            b.goal("o0-set", s -> s.get(flags.get(0)) == 2);
        }
        return new Generated(b.build(), k, flags, c);
    }

    private static Step bump(Var c, int by) {
        return Step.named("c_add").args("+" + by).does(e -> e.set(c, (e.get(c) + by) % 3)).build();
    }

    private static void emit(Body body, int op, Lock own, Var flag, Lock g, Var c, Local x) {
        switch (op) {
            case 0 -> body.step(Steps.lock("mutex_lock", own)).step(Step.named("flag_next").does(e -> e.set(flag, (e.get(flag) + 1) % 3)).build())
                    .step(Steps.unlock("mutex_unlock", own));
            case 1 -> body.step(Steps.lock("mutex_lock", g)).step(bump(c, 1)).step(Steps.unlock("mutex_unlock", g));
            case 2 -> body.step(Step.named("flag_set").does(e -> e.set(flag, 1)).build());
            case 3 -> body.step(bump(c, 1));
            case 4 -> body.step(Step.named("cond_resched").build());
            case 5 -> body.ifThen(Cond.of("flag_is_one", "", e -> e.get(flag) == 1), then -> then.step(Step.named("c_reset").does(e -> e.set(c, 0)).build()));
            case 6 -> body.step(Steps.choose("choose", x, 2, a -> a == 0 ? "no" : "yes"))
                    .ifLocal(e -> e.local(x) == 1, yes -> yes.step(Step.named("flag_two").does(e -> e.set(flag, 2)).build()));
            default -> body.step(Step.named("wait_for_c").when(e -> e.get(c) >= 1)
                    .blockedBy(e -> new BlockReason.OnCondition("c >= 1", "c")).build());
        }
    }
}
