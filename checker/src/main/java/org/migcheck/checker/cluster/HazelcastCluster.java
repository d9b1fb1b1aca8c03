package org.migcheck.checker.cluster;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.client.config.ClientConnectionStrategyConfig;
import com.hazelcast.client.config.RoutingMode;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.core.LifecycleEvent;
import org.migcheck.checker.engine.PartitionOwner;
import org.migcheck.checker.engine.Transport;

/**
 * The coordinator's side of a search spread over member processes ({@link MemberService}).
 *
 * <p>The coordinator connects to each member of the explicit list as a Hazelcast client (so it
 * listens on no port itself), checks that every member runs the same code ({@link Identity}) and,
 * per search, gives process i of the list (0 = this one) the visited-set partitions {@code p} with
 * {@code p % processes == i}: routing is by {@code owner(fingerprint)} over a member list fixed at
 * the start. A round sends each member one message per group of whole partitions (at most
 * {@link #CHUNK} candidates) with at most {@link #IN_FLIGHT} messages in flight per member, and
 * ends when every answer is in.
 *
 * <p>Faults: a member whose connection closes (it died) or that misses heartbeats for
 * {@link #HEARTBEAT_TIMEOUT_MS} ms (it hangs) or does not answer a message within
 * {@link #ANSWER_TIMEOUT_S} s ends the search with {@link Transport.Lost} naming it: the result is
 * INCOMPLETE, never a verdict.
 */
public final class HazelcastCluster implements Transport.Factory, AutoCloseable {
    static final int CHUNK = 1 << 15;
    static final int IN_FLIGHT = 4;
    static final int HEARTBEAT_TIMEOUT_MS = 8_000;
    static final int ANSWER_TIMEOUT_S = 20;
    static final int CONNECT_TIMEOUT_MS = 10_000;

    /** A member that refused the run or could not be reached: one line. */
    public static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String message) { super(message); }
    }

    private final List<String> addresses;
    private final HazelcastInstance[] clients;
    private final IExecutorService[] executors;
    private final String[] lost;
    private final String runPrefix = UUID.randomUUID().toString();
    private int searches;
    private final java.util.concurrent.atomic.AtomicLong messages = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean closing;
    /** Whether members measure their used heap after a full GC when a search ends (benchmarks). */
    private volatile boolean probe;

    private HazelcastCluster(List<String> addresses) {
        this.addresses = List.copyOf(addresses);
        this.clients = new HazelcastInstance[addresses.size()];
        this.executors = new IExecutorService[addresses.size()];
        this.lost = new String[addresses.size()];
    }

    /**
     * Connects to every member of {@code members} (HOST:PORT) in cluster {@code cluster} and checks
     * that each runs {@code codeHash} and knows {@code scenario} ("" for none); throws {@link Refused}.
     */
    public static HazelcastCluster connect(List<String> members, String cluster, String codeHash, String scenario) {
        HazelcastCluster c = new HazelcastCluster(members);
        try {
            List<CompletableFuture<Void>> starts = new ArrayList<>();
            for (int i = 0; i < members.size(); i++) {
                int m = i;
                starts.add(CompletableFuture.runAsync(() -> c.connectOne(m, cluster)));
            }
            for (int i = 0; i < starts.size(); i++) {
                try {
                    starts.get(i).get();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Refused r ? r
                            : new Refused("member " + members.get(i) + ": " + MemberService.rootMessage(e));
                }
            }
            String me = "coordinator " + runPrefix(c);
            for (int i = 0; i < members.size(); i++) {
                String refusal = c.call(i, new Tasks.Hello(codeHash, scenario, me, c.runPrefix,
                        c.clients[i].getLocalEndpoint().getUuid().toString()));
                if (refusal != null) {
                    throw new Refused("member " + members.get(i) + " refuses: " + refusal);
                }
            }
            return c;
        } catch (RuntimeException | InterruptedException e) {
            c.closeClients();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new Refused("interrupted while connecting to the members");
            }
            if (e instanceof Transport.Lost l) {
                throw new Refused(l.getMessage());
            }
            throw (RuntimeException) e;
        }
    }

    private static String runPrefix(HazelcastCluster c) { return c.runPrefix.substring(0, 8); }

    private void connectOne(int m, String cluster) {
        String address = addresses.get(m);
        ClientConfig cc = new ClientConfig();
        cc.setClusterName(cluster);
        cc.setInstanceName("migcheck-coordinator-" + runPrefix.substring(0, 8) + "-" + m);
        MemberService.quiet(cc::setProperty);
        cc.setProperty("hazelcast.client.heartbeat.interval", "1000");
        cc.setProperty("hazelcast.client.heartbeat.timeout", Integer.toString(HEARTBEAT_TIMEOUT_MS));
        cc.setProperty("hazelcast.client.invocation.timeout.seconds", Integer.toString(ANSWER_TIMEOUT_S + 5));
        cc.setProperty("hazelcast.client.shuffle.member.list", "false");
        cc.getMetricsConfig().setEnabled(false);
        cc.getNetworkConfig().addAddress(address);
        cc.getNetworkConfig().getClusterRoutingConfig().setRoutingMode(RoutingMode.SINGLE_MEMBER);
        ClientConnectionStrategyConfig cs = cc.getConnectionStrategyConfig();
        cs.setReconnectMode(ClientConnectionStrategyConfig.ReconnectMode.OFF);
        cs.getConnectionRetryConfig().setClusterConnectTimeoutMillis(CONNECT_TIMEOUT_MS);
        HazelcastInstance client;
        try {
            client = HazelcastClient.newHazelcastClient(cc);
        } catch (RuntimeException e) {
            throw new Refused("member " + address + " not joined within " + CONNECT_TIMEOUT_MS / 1000 + " s: no migcheck member of cluster "
                    + "'" + cluster + "' answers there (wrong --cluster name, wrong address, or not started)");
        }
        client.getLifecycleService().addLifecycleListener(e -> {
            if (e.getState() == LifecycleEvent.LifecycleState.CLIENT_DISCONNECTED && !closing) {
                lost[m] = "member " + address + " lost: connection closed or no heartbeat for " + HEARTBEAT_TIMEOUT_MS / 1000 + " s";
            }
        });
        clients[m] = client;
        executors[m] = client.getExecutorService("migcheck");
    }

    /** Messages sent to members so far (every round and query). */
    public long messages() { return messages.get(); }

    /** Number of processes taking part: the members and this one. */
    public int processes() { return addresses.size() + 1; }

    @Override public String describe() {
        return processes() + " processes (this one and " + String.join(", ", addresses) + ")";
    }

    private void check(int m) {
        if (lost[m] != null) {
            throw new Transport.Lost(lost[m]);
        }
    }

    /**
     * Records member {@code m} as lost (when nothing was recorded yet) and returns the exception that ends the run: a
     * member that failed a task or did not answer is given up like one whose connection closed, so that closing tells
     * the other members the run was given up (their --once exit is 4, not 0) and sends no End to it.
     */
    private Transport.Lost lose(int m, String why) {
        synchronized (lost) {
            if (lost[m] == null) {
                lost[m] = why;
            }
        }
        return new Transport.Lost(why);
    }

    private <T> T await(int m, Future<T> f) {
        try {
            return f.get(ANSWER_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw lose(m, "member " + addresses.get(m) + " did not answer within " + ANSWER_TIMEOUT_S + " s (hung?)");
        } catch (ExecutionException | RuntimeException e) {
            check(m);
            throw lose(m, "member " + addresses.get(m) + " lost: " + why(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Transport.Lost("interrupted while waiting for member " + addresses.get(m));
        }
    }

    /** Hazelcast's reason, in a few words. */
    private static String why(Throwable e) {
        String why = MemberService.rootMessage(e);
        if (why.contains("Heartbeat timed out")) {
            return "no heartbeat for " + HEARTBEAT_TIMEOUT_MS / 1000 + " s (hung or unreachable)";
        }
        int brace = why.indexOf('{');
        return brace > 0 ? why.substring(0, brace).strip() : why.length() > 160 ? why.substring(0, 160) + "..." : why;
    }

    private <T> T call(int m, Tasks.Task<T> task) throws InterruptedException {
        check(m);
        Future<T> f;
        try {
            f = executors[m].submit(task);
            messages.incrementAndGet();
        } catch (RuntimeException e) {
            check(m);
            throw lose(m, "member " + addresses.get(m) + " lost: " + why(e));
        }
        return await(m, f);
    }

    @Override public Transport open(int words) {
        String run = runPrefix + "-" + (searches++);
        int n = processes();
        for (int m = 0; m < addresses.size(); m++) {
            boolean[] owned = new boolean[PartitionOwner.partitions()];
            for (int p = 0; p < owned.length; p++) {
                owned[p] = p % n == m + 1;
            }
            try {
                call(m, new Tasks.Begin(run, words, owned, probe));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Transport.Lost("interrupted");
            }
        }
        return new Remote(run, words, n);
    }

    /** One search's transport. */
    private final class Remote implements Transport {
        final String run;
        final int words;
        final int n;

        Remote(String run, int words, int n) {
            this.run = run;
            this.words = words;
            this.n = n;
        }

        @Override public boolean local(int p) { return p % n == 0; }

        private int member(int p) { return p % n - 1; }

        /** Groups of whole partitions per member, each at most CHUNK items (a bigger partition goes alone). */
        private List<List<Batch>> groups(Batch[] batches, int m, boolean resolve) {
            List<List<Batch>> out = new ArrayList<>();
            List<Batch> cur = new ArrayList<>();
            int size = 0;
            for (Batch b : batches) {
                if (b == null || member(b.partition) != m) {
                    continue;
                }
                int k = resolve ? b.fresh : b.n;
                if (k == 0) {
                    continue;
                }
                if (size > 0 && size + k > CHUNK) {
                    out.add(cur);
                    cur = new ArrayList<>();
                    size = 0;
                }
                cur.add(b);
                size += k;
            }
            if (!cur.isEmpty()) {
                out.add(cur);
            }
            return out;
        }

        private interface Sender<T> {
            Tasks.Task<T> task(List<Batch> group);
        }

        private interface Receiver<T> {
            void accept(List<Batch> group, T answer);
        }

        /** Sends every member's groups, at most IN_FLIGHT per member at once, and hands each answer to {@code rx}. */
        private <T> void round(Batch[] batches, boolean resolve, Sender<T> tx, Receiver<T> rx) {
            int members = n - 1;
            List<ArrayDeque<List<Batch>>> todo = new ArrayList<>();
            List<ArrayDeque<Object[]>> flying = new ArrayList<>();
            for (int m = 0; m < members; m++) {
                check(m);
                todo.add(new ArrayDeque<>(groups(batches, m, resolve)));
                flying.add(new ArrayDeque<>());
            }
            boolean busy = true;
            while (busy) {
                busy = false;
                for (int m = 0; m < members; m++) {
                    ArrayDeque<List<Batch>> t = todo.get(m);
                    ArrayDeque<Object[]> f = flying.get(m);
                    while (!t.isEmpty() && f.size() < IN_FLIGHT) {
                        List<Batch> g = t.poll();
                        try {
                            f.add(new Object[] {g, executors[m].submit(tx.task(g))});
                            messages.incrementAndGet();
                        } catch (RuntimeException e) {
                            check(m);
                            throw lose(m, "member " + addresses.get(m) + " lost: " + why(e));
                        }
                    }
                    if (!f.isEmpty()) {
                        Object[] head = f.poll();
                        @SuppressWarnings("unchecked")
                        List<Batch> g = (List<Batch>) head[0];
                        @SuppressWarnings("unchecked")
                        Future<T> fut = (Future<T>) head[1];
                        rx.accept(g, await(m, fut));
                    }
                    busy |= !t.isEmpty() || !f.isEmpty();
                }
            }
        }

        @Override public void own(Batch[] batches) {
            round(batches, false, g -> {
                int total = 0;
                for (Batch b : g) {
                    total += b.n;
                }
                int[] parts = new int[g.size()];
                int[] counts = new int[g.size()];
                long[] fps = new long[total];
                long[] vec = new long[total * words];
                int at = 0;
                for (int i = 0; i < g.size(); i++) {
                    Batch b = g.get(i);
                    parts[i] = b.partition;
                    counts[i] = b.n;
                    System.arraycopy(b.fps, 0, fps, at, b.n);
                    System.arraycopy(b.words, 0, vec, at * words, b.n * words);
                    at += b.n;
                }
                return new Tasks.Own(run, parts, counts, fps, vec);
            }, (g, answer) -> {
                int at = 0;
                for (Batch b : g) {
                    if (answer.length < at + b.n) {
                        throw new Transport.Lost("a member answered " + answer.length + " results for more candidates");
                    }
                    System.arraycopy(answer, at, b.result, 0, b.n);
                    at += b.n;
                }
            });
        }

        @Override public void resolve(Batch[] batches) {
            round(batches, true, g -> {
                int total = 0;
                for (Batch b : g) {
                    total += b.fresh;
                }
                int[] parts = new int[g.size()];
                int[] counts = new int[g.size()];
                int[] ids = new int[total];
                int[] parents = new int[total];
                int at = 0;
                for (int i = 0; i < g.size(); i++) {
                    Batch b = g.get(i);
                    parts[i] = b.partition;
                    counts[i] = b.fresh;
                    System.arraycopy(b.ids, 0, ids, at, b.fresh);
                    System.arraycopy(b.parents, 0, parents, at, b.fresh);
                    at += b.fresh;
                }
                return new Tasks.Resolve(run, parts, counts, ids, parents);
            }, (g, answer) -> { });
        }

        private int query(long fp, long[] vec, int id) {
            int m = member(PartitionOwner.partitionOf(fp));
            try {
                return call(m, new Tasks.Query(run, fp, Arrays.copyOf(vec, words), id));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Transport.Lost("interrupted");
            }
        }

        @Override public boolean contains(long fp, long[] vec) { return query(fp, vec, -1) == 1; }

        @Override public long[] byId(int id) {
            for (int m = 0; m < n - 1; m++) {
                long[] rec;
                try {
                    rec = call(m, new Tasks.ById(run, id));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new Transport.Lost("interrupted");
                }
                if (rec != null && rec.length > 0) {
                    return rec;
                }
            }
            return null;
        }

        @Override public void close() {
            for (int m = 0; m < n - 1; m++) {
                if (lost[m] == null) {
                    try {
                        executors[m].submit(new Tasks.End(run, null, false, probe)).get(probe ? 30 : 2, TimeUnit.SECONDS);
                    } catch (ExecutionException | TimeoutException | RuntimeException e) {
                        // the member is gone or slow; the run's result already says so or does not need it
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }
    }

    /**
     * While on, each member measures its used heap after a full GC when a search ends, before it frees
     * the search's partitions ({@link #usage}); the GC costs time, so benchmarks turn it on for a warm-up.
     */
    public void probeHeap(boolean on) { probe = on; }

    /**
     * Each member's figures: {visited-set partition bytes of its last search, peak heap bytes, used heap
     * after GC at the end of its last probed search (-1: none)}.
     */
    public List<long[]> usage() {
        List<long[]> out = new ArrayList<>();
        for (int m = 0; m < addresses.size(); m++) {
            try {
                out.add(call(m, new Tasks.Usage(runPrefix)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Transport.Lost("interrupted");
            }
        }
        return out;
    }

    /**
     * Starts {@code n} member processes on 127.0.0.1 (free ports) with this JVM's class path, for
     * benchmarks; they run with --once, so they exit when the returned cluster is closed.
     */
    public static HazelcastCluster startLocal(int n, List<String> classpathEntries, List<Process> started) throws java.io.IOException {
        String cluster = "migcheck-local-" + UUID.randomUUID().toString().replace("-", "");
        String javaExe = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int port;
            try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            String address = "127.0.0.1:" + port;
            List<String> cmd = new ArrayList<>(List.of(javaExe, "-Xss8m", "-cp", System.getProperty("java.class.path"),
                    "org.migcheck.checker.cli.Main"));
            if (!classpathEntries.isEmpty()) {
                cmd.add("--classpath");
                cmd.add(String.join(java.io.File.pathSeparator, classpathEntries));
            }
            cmd.addAll(List.of("member", "--bind", address, "--cluster", cluster, "--once"));
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            started.add(p);
            java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
            String line = r.readLine();
            if (line == null || !line.contains("listening on " + address)) {
                throw new Refused("member process for " + address + " did not start: " + line);
            }
            addresses.add(address);
        }
        return connect(addresses, cluster, Identity.codeHash(classpathEntries), "");
    }

    /**
     * A job's answer: no time bound (a suite's check or a chunk of walks may run long), but a member
     * that dies or hangs is noticed by its connection or heartbeat ({@link #HEARTBEAT_TIMEOUT_MS}).
     */
    private byte[] awaitJob(int m, Future<byte[]> f) {
        while (true) {
            check(m);
            try {
                return f.get(1, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                // still running; look at the member's connection again
            } catch (ExecutionException | RuntimeException e) {
                check(m);
                throw lose(m, "member " + addresses.get(m) + " lost: " + why(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                f.cancel(true);
                throw new Transport.Lost("interrupted while waiting for member " + addresses.get(m));
            }
        }
    }

    /**
     * Runs items {@code 0 .. n-1}, each in this process ({@code here}) or on a member ({@code job}),
     * whoever is free, starting them in index order; after an item whose answer satisfies {@code
     * last}, no later item is started. Returns the answers of items {@code 0 .. k} in order, where k
     * is the first such item (or n - 1). A lost member ends it with {@link Transport.Lost} naming it.
     */
    private List<byte[]> spread(int n, java.util.function.IntFunction<byte[]> here, java.util.function.IntFunction<Tasks.Job> job,
                                java.util.function.Predicate<byte[]> last) {
        byte[][] answers = new byte[n][];
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger stop = new java.util.concurrent.atomic.AtomicInteger(n);
        java.util.concurrent.atomic.AtomicReference<RuntimeException> failed = new java.util.concurrent.atomic.AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(addresses.size() + 1);
        for (int w = -1; w < addresses.size(); w++) {
            int m = w;
            Thread t = new Thread(() -> {
                try {
                    for (int i = next.getAndIncrement(); i < stop.get(); i = next.getAndIncrement()) {
                        byte[] a;
                        if (m < 0) {
                            a = here.apply(i);
                        } else {
                            check(m);
                            Future<byte[]> f;
                            try {
                                f = executors[m].submit(job.apply(i));
                                messages.incrementAndGet();
                            } catch (RuntimeException e) {
                                check(m);
                                throw lose(m, "member " + addresses.get(m) + " lost: " + why(e));
                            }
                            a = awaitJob(m, f);
                        }
                        answers[i] = a;
                        if (last.test(a)) {
                            stop.accumulateAndGet(i + 1, Math::min);
                        }
                    }
                } catch (RuntimeException | Error e) {
                    failed.compareAndSet(null, e instanceof RuntimeException re ? re : new IllegalStateException(e));
                    stop.set(0);
                } finally {
                    finished.countDown();
                }
            }, org.migcheck.checker.engine.SearchThreads.name(m < 0 ? "migcheck-local-job" : "migcheck-job-" + addresses.get(m)));
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        // a failure ends the wait at once: the jobs still running here or on other members are abandoned
        // (daemon threads; the members drop them when the coordinator leaves)
        try {
            while (failed.get() == null && !finished.await(100, TimeUnit.MILLISECONDS)) {
                // waiting for every process to finish its last item; a signal to this process (SIGINT, SIGTERM) ends
                // the wait as a lost member does: the items spread are abandoned, the report says what stopped them
                String signalled = org.migcheck.checker.engine.Budget.stoppedAll();
                if (signalled != null) {
                    throw new Transport.Lost(signalled);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Transport.Lost("interrupted");
        }
        if (failed.get() != null) {
            throw failed.get();
        }
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < stop.get(); i++) {
            out.add(answers[i]);
        }
        return out;
    }

    /**
     * A suite's checks spread over this process and the members: check i of scenario {@code
     * scenario} with knob settings {@code settings.get(i)}; {@code here} runs one in this process.
     * Answers (encoded results) in order.
     */
    public List<byte[]> checks(String scenario, List<java.util.Map<String, String>> settings, byte[] options,
                               java.util.function.IntFunction<byte[]> here) {
        return spread(settings.size(), here, i -> new Tasks.Job(runPrefix, scenario, null, settings.get(i), options, -1, -1), a -> false);
    }

    /**
     * The walks of a random search of {@code scenario} ({@code variant}, {@code settings}) spread
     * over this process and the members in chunks of consecutive walks, a few per process; chunks
     * after one that failed are not started.
     */
    public org.migcheck.checker.engine.RandomSearch.Swarm swarm(String scenario, String variant, java.util.Map<String, String> settings,
                                                                byte[] options, java.util.function.Function<byte[], org.migcheck.checker.engine.RandomSearch.Chunk> decode,
                                                                java.util.function.Function<org.migcheck.checker.engine.RandomSearch.Chunk, byte[]> encode) {
        return (walks, local) -> {
            int chunks = Math.min(walks, processes() * 4);
            int size = (walks + chunks - 1) / chunks;
            int n = (walks + size - 1) / size;
            List<byte[]> answers = spread(n, i -> encode.apply(local.walk(i * size, Math.min(walks, (i + 1) * size))),
                    i -> new Tasks.Job(runPrefix, scenario, variant, settings, options, i * size, Math.min(walks, (i + 1) * size)), a -> {
                        org.migcheck.checker.engine.RandomSearch.Chunk c = decode.apply(a);
                        return c.failWalk >= 0 || c.timedOut;
                    });
            List<org.migcheck.checker.engine.RandomSearch.Chunk> out = new ArrayList<>();
            for (byte[] a : answers) {
                out.add(decode.apply(a));
            }
            return out;
        };
    }

    /** The first member lost so far, or null. */
    public String lostMember() {
        for (String l : lost) {
            if (l != null) {
                return l;
            }
        }
        return null;
    }

    /** Tells the members the coordinator is done ({@code reason} non-null: the run was given up) and disconnects. */
    public void close(String reason) {
        closing = true;
        for (int m = 0; m < clients.length; m++) {
            if (clients[m] != null && lost[m] == null) {
                try {
                    executors[m].submit(new Tasks.End(runPrefix, reason, true, false)).get(2, TimeUnit.SECONDS);
                } catch (ExecutionException | TimeoutException | RuntimeException e) {
                    // already gone
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        closeClients();
    }

    @Override public void close() { close(lostMember()); }

    private void closeClients() {
        closing = true;
        for (HazelcastInstance c : clients) {
            if (c != null) {
                try {
                    c.shutdown();
                } catch (RuntimeException e) {
                    // shutting down a client whose member died
                }
            }
        }
    }
}
