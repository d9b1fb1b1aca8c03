package org.migcheck.checker.cli;

import java.util.concurrent.Callable;
import org.migcheck.checker.cluster.Identity;
import org.migcheck.checker.cluster.MemberService;
import org.migcheck.checker.run.ScenarioRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "member", mixinStandardHelpOptions = true,
        description = "A worker process for coordinators on a trusted network: holds shares of the visited set of 'check --members',"
                + " runs knob combinations of 'suite --members' and random walks of 'check --strategy random --members'.")
final class MemberCmd implements Callable<Integer> {
    @Option(names = "--bind", paramLabel = "ADDR:PORT", description = "the interface and port to listen on (default ${DEFAULT-VALUE})")
    String bind = "127.0.0.1:5701";

    @Option(names = "--cluster", paramLabel = "NAME", required = true,
            description = "cluster name; include a per-run secret of at least " + ClusterOptions.MIN_SECRET + " characters")
    String cluster;

    @Option(names = "--once", description = "exit when the coordinator disconnects, the last one when several are connected (exit 4 when one gave its run up or vanished mid-run)")
    boolean once;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        Main.waitOnSignal = false; // a signal ends a member at once: it has no report, and its coordinators see it lost
        Main.refuseRuleOption(spec, "member (a member checks with every rule its coordinators may use)");
        ClusterOptions.checkName(spec, cluster);
        String hp = ClusterOptions.hostPort(spec, "--bind", bind);
        int colon = hp.lastIndexOf(':');
        String host = hp.substring(0, colon);
        int port = Integer.parseInt(hp.substring(colon + 1));
        ScenarioRegistry reg = Main.registry(spec);
        String code = Identity.codeHash(Main.classpath(spec));
        MemberService s;
        try {
            s = MemberService.start(host, port, cluster, code, id -> reg.find(id) != null, new MemberJobs(reg),
                    Main.Streams.err, once);
        } catch (IllegalArgumentException e) {
            throw Args.usage(spec, e.getMessage());
        }
        Main.Streams.out.println("migcheck member listening on " + host + ":" + port + ", code " + code.substring(0, 12));
        Main.Streams.out.flush();
        return s.await();
    }
}
