package org.migcheck.checker.cli;

import org.migcheck.checker.trace.Trace;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Semantics;

/** What the replay command prints after the trace: where every thread rests in the last state. */
final class Replays {
    private Replays() {}

    static String endState(Model m, Trace t) {
        Semantics sem = new Semantics(m);
        int[] s = t.last();
        StringBuilder out = new StringBuilder("end state:\n");
        for (int i = 0; i < m.threadCount(); i++) {
            String name = m.thread(i).name();
            if (sem.finished(s, i)) {
                out.append("  ").append(name).append(": finished\n");
                continue;
            }
            BlockReason why = sem.blockReason(s, i);
            out.append("  ").append(name).append(": ").append(why == null ? "next " : "blocked in ").append(sem.label(s, i, 0));
            if (why != null) {
                out.append(": ").append(why.describe(m));
            }
            out.append('\n');
        }
        return out.toString();
    }
}
