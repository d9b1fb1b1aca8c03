package org.migcheck.checker.cli;

import java.util.ArrayList;
import java.util.List;
import org.migcheck.checker.cluster.HazelcastCluster;
import org.migcheck.checker.cluster.Identity;
import org.migcheck.checker.engine.Strategy;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** --members and --cluster: spread the breadth-first search's visited set over member processes. */
public final class ClusterOptions {
    /** Shortest accepted cluster name: it carries the run's secret. */
    static final int MIN_SECRET = 16;

    @Option(names = "--members", paramLabel = "HOST:PORT", split = ",",
            description = "member processes (migcheck member) that own shares of the visited set, with this process")
    List<String> members = new ArrayList<>();

    @Option(names = "--cluster", paramLabel = "NAME",
            description = "the members' cluster name; include a per-run secret of at least " + MIN_SECRET + " characters")
    String cluster;

    boolean active() { return !members.isEmpty() || cluster != null; }

    /** Checks the values; {@code null} when no cluster is asked for. {@code strategy} null: whole checks are spread (any strategy). */
    HazelcastCluster connect(CommandLine.Model.CommandSpec spec, Strategy strategy, String scenario) {
        if (!active()) {
            return null;
        }
        if (members.isEmpty()) {
            throw Args.usage(spec, "--cluster needs --members HOST:PORT,...");
        }
        checkName(spec, cluster);
        if (!Main.ruleOption(spec).isEmpty()) {
            // members check with every rule they know (a member is started once for many coordinators)
            throw Args.usage(spec, "--rule and --skip-rule select rules in this process only, not on --members: check without --members");
        }
        if (strategy == Strategy.DFS) { // null: a suite, whose whole checks run on members with any strategy
            throw Args.usage(spec, "--members spreads the breadth-first search and random walks, not --strategy dfs");
        }
        List<String> normal = new ArrayList<>();
        java.util.Map<String, String> sockets = new java.util.HashMap<>();
        for (String m : members) {
            String n = hostPort(spec, "--members", m);
            if (normal.contains(n)) {
                throw Args.usage(spec, "--members lists " + m + " twice");
            }
            // one member under two names (127.0.0.1:P and localhost:P) would be given two shares of the partitions
            List<String> resolved = sockets(n);
            if (resolved.isEmpty()) {
                throw Args.usage(spec, "--members " + m + ": unknown host " + n.substring(0, n.lastIndexOf(':')));
            }
            for (String socket : resolved) {
                String other = sockets.putIfAbsent(socket, m);
                if (other != null) {
                    throw Args.usage(spec, "--members lists one member twice: " + other + " and " + m + " are both " + socket);
                }
            }
            normal.add(n);
        }
        try {
            return HazelcastCluster.connect(normal, cluster, Identity.codeHash(Main.classpath(spec)), scenario == null ? "" : scenario);
        } catch (HazelcastCluster.Refused e) {
            throw Args.usage(spec, e.getMessage());
        }
    }

    static void checkName(CommandLine.Model.CommandSpec spec, String name) {
        if (name == null) {
            throw Args.usage(spec, "--members needs --cluster NAME (the name the members were started with)");
        }
        if (name.length() < MIN_SECRET || !name.matches("[A-Za-z0-9._-]+")) {
            throw Args.usage(spec, "--cluster " + name + ": give a name of at least " + MIN_SECRET
                    + " letters, digits, '.', '_' or '-' that carries a per-run secret, e.g. migcheck-$(openssl rand -hex 8)");
        }
    }

    /** The addresses HOST:PORT resolves to, each with the port ("127.0.0.1:5701"); none when the host does not resolve. */
    static List<String> sockets(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        List<String> out = new ArrayList<>();
        try {
            for (java.net.InetAddress a : java.net.InetAddress.getAllByName(host)) {
                out.add(a.getHostAddress() + ":" + hostPort.substring(colon + 1));
            }
        } catch (java.net.UnknownHostException e) {
            // none: the caller names the host
        }
        return out;
    }

    /** HOST:PORT with a port 1..65535; returns it as given. */
    static String hostPort(CommandLine.Model.CommandSpec spec, String option, String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw Args.usage(spec, option + " " + text + ": expected HOST:PORT");
        }
        String host = text.substring(0, colon);
        if (host.contains(":") && !(host.startsWith("[") && host.endsWith("]"))) {
            // 127.0.0.1:47101:5 would be host 127.0.0.1:47101, port 5
            throw Args.usage(spec, option + " " + text + ": expected HOST:PORT (an IPv6 address goes in brackets, [::1]:PORT)");
        }
        if (!text.substring(colon + 1).matches("[0-9]+")) {
            // ASCII digits only: Integer.parseInt takes other scripts' digits too
            throw Args.usage(spec, option + " " + text + ": port is not a number");
        }
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw Args.usage(spec, option + " " + text + ": port out of range 1..65535");
            }
        } catch (NumberFormatException e) {
            throw Args.usage(spec, option + " " + text + ": port is not a number");
        }
        return text;
    }
}
