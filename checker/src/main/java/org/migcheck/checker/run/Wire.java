package org.migcheck.checker.run;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.migcheck.checker.engine.Budget;
import org.migcheck.checker.engine.RandomSearch;
import org.migcheck.checker.engine.Stats;
import org.migcheck.checker.engine.Strategy;
import org.migcheck.model.lang.Model;

/**
 * The plain-data form of what a coordinator and its members exchange for sharded suites and random
 * walks: the options of a check (never a model: members build it from the scenario and knobs), a
 * check's result (every field but the model, which the coordinator rebuilds itself), and a chunk of
 * random walks. Written with {@link DataOutputStream}; both sides run the same code (the members
 * check the code hash when they join).
 */
public final class Wire {
    private Wire() {}

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] bytes(Writer w) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(b)) {
            w.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toByteArray();
    }

    private static DataInputStream in(byte[] b) { return new DataInputStream(new ByteArrayInputStream(b)); }

    private static void str(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String str(DataInputStream in) throws IOException { return in.readBoolean() ? in.readUTF() : null; }

    private static void ints(DataOutputStream out, int[] a) throws IOException {
        out.writeInt(a == null ? -1 : a.length);
        if (a != null) {
            for (int v : a) {
                out.writeInt(v);
            }
        }
    }

    private static int[] ints(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readInt();
        }
        return a;
    }

    private static void strs(DataOutputStream out, List<String> l) throws IOException {
        out.writeInt(l.size());
        for (String s : l) {
            str(out, s);
        }
    }

    private static List<String> strs(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<String> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            l.add(str(in));
        }
        return l;
    }

    /** The options a member needs to run the same check (not the progress stream, cluster or swarm). */
    public static byte[] options(Options o) {
        return bytes(out -> {
            out.writeUTF(o.strategy().name());
            Budget b = o.budget();
            out.writeLong(b.maxStates());
            out.writeInt(b.maxDepth());
            out.writeLong(b.timeLimit().getSeconds());
            out.writeInt(b.timeLimit().getNano());
            out.writeLong(b.maxMemory());
            out.writeBoolean(o.liveness());
            out.writeLong(o.maxGraphEdges());
            out.writeLong(o.seed());
            out.writeInt(o.walks());
            out.writeInt(o.workers());
            out.writeBoolean(o.decideGoals());
            out.writeUTF(o.symmetry().name());
            out.writeUTF(o.por().name());
            out.writeBoolean(o.compress());
            out.writeUTF(o.determinism().name());
        });
    }

    public static Options options(byte[] bytes) {
        try (DataInputStream in = in(bytes)) {
            Strategy strategy = Strategy.valueOf(in.readUTF());
            Budget b = new Budget(in.readLong(), in.readInt(), Duration.ofSeconds(in.readLong(), in.readInt()), in.readLong());
            boolean liveness = in.readBoolean();
            long edges = in.readLong();
            long seed = in.readLong();
            int walks = in.readInt();
            int workers = in.readInt();
            boolean decide = in.readBoolean();
            Options.Switch sym = Options.Switch.valueOf(in.readUTF());
            Options.Switch por = Options.Switch.valueOf(in.readUTF());
            boolean compress = in.readBoolean();
            Options.Switch determinism = Options.Switch.valueOf(in.readUTF());
            return new Options(strategy, b, liveness, edges, null, seed, walks, workers, decide, sym, por,
                    org.migcheck.checker.engine.Transport.IN_PROCESS, null, compress, determinism);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every field of {@code r} but its model. */
    public static byte[] result(CheckResult r) {
        return bytes(out -> {
            out.writeUTF(r.verdict().name());
            str(out, r.ruleId());
            str(out, r.message());
            ints(out, r.schedule());
            strs(out, r.explanation());
            out.writeInt(r.witnesses().size());
            for (CheckResult.Witness w : r.witnesses()) {
                str(out, w.title());
                ints(out, w.schedule());
                CheckResult.LockEdge e = w.edge();
                out.writeBoolean(e != null);
                if (e != null) {
                    str(out, e.fromClass());
                    str(out, e.toClass());
                    out.writeInt(e.thread());
                    str(out, e.held());
                    str(out, e.acquired());
                }
            }
            out.writeInt(r.goals().size());
            for (Map.Entry<String, CheckResult.GoalResult> g : r.goals().entrySet()) {
                str(out, g.getKey());
                out.writeUTF(g.getValue().answer().name());
                ints(out, g.getValue().witness());
                out.writeBoolean(g.getValue().shortest());
            }
            Stats s = r.stats();
            out.writeLong(s.generated());
            out.writeLong(s.distinct());
            out.writeInt(s.maxDepth());
            out.writeLong(s.nanos());
            str(out, s.store());
            out.writeLong(s.storeBytes());
            str(out, r.limit());
            strs(out, r.notes());
            out.writeInt(r.unreached().size());
            for (CheckResult.Unreached u : r.unreached()) {
                out.writeInt(u.pc());
                str(out, u.base());
                out.writeInt(u.copy());
                out.writeInt(u.copies());
            }
            out.writeInt(r.saturated().size());
            for (CheckResult.Saturation x : r.saturated()) {
                str(out, x.bound());
                str(out, x.procedure());
                out.writeInt(x.limit());
                out.writeLong(x.states());
                str(out, x.simplification());
            }
            str(out, r.reductions());
            Continuation c = r.continuation();
            out.writeBoolean(c != null);
            if (c != null) {
                out.writeInt(c.thread());
                out.writeBoolean(c.livelock());
                ints(out, c.steps());
                out.writeInt(c.loopFrom());
            }
        });
    }

    /** The result {@link #result(CheckResult)} wrote, for {@code model} (built here from the same scenario and knobs). */
    public static CheckResult result(byte[] bytes, Model model) {
        try (DataInputStream in = in(bytes)) {
            Verdict verdict = Verdict.valueOf(in.readUTF());
            String rule = str(in);
            String message = str(in);
            int[] schedule = ints(in);
            List<String> explanation = strs(in);
            int nw = in.readInt();
            List<CheckResult.Witness> witnesses = new ArrayList<>(nw);
            for (int i = 0; i < nw; i++) {
                String title = str(in);
                int[] sched = ints(in);
                CheckResult.LockEdge e = in.readBoolean()
                        ? new CheckResult.LockEdge(str(in), str(in), in.readInt(), str(in), str(in)) : null;
                witnesses.add(new CheckResult.Witness(title, sched, e));
            }
            int ng = in.readInt();
            Map<String, CheckResult.GoalResult> goals = new LinkedHashMap<>();
            for (int i = 0; i < ng; i++) {
                String name = str(in);
                goals.put(name, new CheckResult.GoalResult(CheckResult.GoalResult.Answer.valueOf(in.readUTF()), ints(in), in.readBoolean()));
            }
            Stats stats = new Stats(in.readLong(), in.readLong(), in.readInt(), in.readLong(), str(in), in.readLong());
            String limit = str(in);
            List<String> notes = strs(in);
            int nu = in.readInt();
            List<CheckResult.Unreached> unreached = new ArrayList<>(nu);
            for (int i = 0; i < nu; i++) {
                unreached.add(new CheckResult.Unreached(in.readInt(), str(in), in.readInt(), in.readInt()));
            }
            int ns = in.readInt();
            List<CheckResult.Saturation> saturated = new ArrayList<>(ns);
            for (int i = 0; i < ns; i++) {
                saturated.add(new CheckResult.Saturation(str(in), str(in), in.readInt(), in.readLong(), str(in)));
            }
            String reductions = str(in);
            Continuation c = in.readBoolean() ? new Continuation(in.readInt(), in.readBoolean(), ints(in), in.readInt()) : null;
            return new CheckResult(model, verdict, rule, message, schedule, List.copyOf(explanation), List.copyOf(witnesses), goals,
                    stats, limit, List.copyOf(notes), List.copyOf(unreached), List.copyOf(saturated), reductions, null, c);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A chunk of random walks. */
    public static byte[] chunk(RandomSearch.Chunk c) {
        return bytes(out -> {
            out.writeInt(c.from);
            out.writeInt(c.end);
            out.writeInt(c.failWalk);
            ints(out, c.schedule);
            out.writeLong(c.generated);
            out.writeInt(c.maxDepth);
            out.writeBoolean(c.timedOut);
            long[] seen = c.seenArray();
            out.writeInt(seen.length);
            for (long f : seen) {
                out.writeLong(f);
            }
            out.writeInt(c.marks.size());
            for (RandomSearch.Mark m : c.marks) {
                out.writeUTF(m.key());
                ints(out, m.path());
            }
        });
    }

    public static RandomSearch.Chunk chunk(byte[] bytes) {
        try (DataInputStream in = in(bytes)) {
            int from = in.readInt();
            int end = in.readInt();
            int fail = in.readInt();
            int[] schedule = ints(in);
            long generated = in.readLong();
            int maxDepth = in.readInt();
            boolean timedOut = in.readBoolean();
            long[] seen = new long[in.readInt()];
            for (int i = 0; i < seen.length; i++) {
                seen[i] = in.readLong();
            }
            int nm = in.readInt();
            List<RandomSearch.Mark> marks = new ArrayList<>(nm);
            for (int i = 0; i < nm; i++) {
                marks.add(new RandomSearch.Mark(in.readUTF(), ints(in)));
            }
            return new RandomSearch.Chunk(from, end, fail, schedule, generated, maxDepth, timedOut, seen, marks);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
