package org.migcheck.checker.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.migcheck.checker.export.NotExpressible;
import org.migcheck.checker.export.PromelaExport;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.scenarios.Knobs;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.model.scenarios.Variant;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code migcheck export --promela SCENARIO [--variant V] [--set k=v]... [--output FILE]}: the same
 * transition system as a Promela program for SPIN (docs/promela.md). The program goes to standard
 * output (or FILE); a summary (exact or not, what is not expressible) goes to standard error. Errors
 * are usage errors (exit 64) naming the fault.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a scenario variant as a Promela program with the same states, for SPIN (docs/promela.md).")
final class ExportCmd implements Callable<Integer> {
    @Option(names = "--promela", required = true, description = "write Promela (the only export format)")
    boolean promela;

    @CommandLine.Mixin
    VariantArgs args = new VariantArgs();

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write the program to FILE instead of standard output")
    Path output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Main.refuseRuleOption(spec, "export (the exported model carries every rule: the kernel's and those of --classpath)");
        Scenario s = args.resolve(spec);
        Map<String, String> settings = new LinkedHashMap<>();
        if (args.variant != null) {
            Variant v = s.variant(args.variant);
            if (v == null) {
                throw Args.usage(spec, "scenario " + s.id() + " has no variant " + args.variant + "; variants: "
                        + s.variants().stream().map(Variant::name).toList());
            }
            settings.putAll(v.settings());
        }
        settings.putAll(args.sets);
        PromelaExport.Result r;
        Knobs knobs;
        try {
            knobs = Knobs.resolve(s.id(), s.knobs(), settings);
        } catch (ModelError e) {
            throw Args.usage(spec, e.getMessage());
        }
        Model m = ScenarioRunner.build(s, knobs); // a build that fails is the model's error (exit 5), not the command line's
        // a model check refuses is refused here the same way, a model error (exit 5): never exported as if it were sound
        org.migcheck.checker.run.Checker.refuseTooManyThreads(m);
        try {
            String title = s.id() + " / " + (args.variant != null ? args.variant : "-") + "   knobs " + knobs.asMap();
            // every rule check runs: the kernel's and the users' (--classpath), or SPIN would miss a violation of theirs
            r = PromelaExport.export(m, Main.registry(spec).ruleSet(), title);
        } catch (NotExpressible e) {
            throw Args.usage(spec, "not expressible: " + e.getMessage());
        }
        if (output != null) {
            if (output.toString().isEmpty()) {
                throw Args.usage(spec, "-o takes a file name, not an empty one");
            }
            if (Files.isSymbolicLink(output)) {
                // write where the link points, and keep the link
                try {
                    output = output.toRealPath();
                } catch (IOException e) {
                    throw Args.usage(spec, "cannot write '" + output + "': a link to a missing file (" + why(e) + ")");
                }
            }
            Path dir = output.toAbsolutePath().getParent();
            if (Files.isDirectory(output)) {
                throw Args.usage(spec, "cannot write '" + output + "': it is a directory");
            }
            if (dir == null || !Files.isDirectory(dir)) {
                throw Args.usage(spec, "cannot write '" + output + "': " + (dir != null && Files.exists(dir)
                        ? dir + " is not a directory" : "no such directory " + dir));
            }
            if (Files.exists(output) && !Files.isRegularFile(output)) {
                // a device or a pipe (/dev/stdout, a FIFO): written in place, never replaced by a file
                try {
                    Files.writeString(output, r.promela(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    Main.Streams.err.println("migcheck export: cannot write '" + output + "': " + why(e));
                    return Main.IO_EXIT;
                }
                return summary(r);
            }
            // the program goes to a file of its own beside the target, which then replaces it: a write that fails
            // half way (a full disk) leaves the old file as it was, never a truncated program
            Path tmp;
            try {
                // a name no other process has (created exclusively), with the mode a new file gets here: the umask's
                // (createTempFile's is rw-------, and setting rw-r--r-- after it ignored a umask of 077); 14 characters
                // longer than the target's name (a UUID's 42 made names of 214 characters and more too long to export)
                tmp = null;
                java.security.SecureRandom random = new java.security.SecureRandom();
                for (int tries = 0; tmp == null; tries++) {
                    try {
                        tmp = Files.createFile(dir.resolve(String.format(java.util.Locale.ROOT, ".%s.%08x.tmp", output.getFileName(), random.nextInt())));
                    } catch (java.nio.file.FileAlreadyExistsException taken) {
                        if (tries == 20) {
                            throw taken;
                        }
                    }
                }
            } catch (IOException e) {
                // the program is written beside the target first: say which directory refused it (for /proc/version,
                // "no such file or directory" alone named the file, which exists)
                throw Args.usage(spec, "cannot write '" + output + "': no new file can be made in its directory " + dir
                        + (e instanceof java.nio.file.NoSuchFileException ? "" : " (" + why(e) + ")"));
            }
            try {
                // a file written over keeps its mode
                if (Files.exists(output) && Files.getFileAttributeView(tmp, java.nio.file.attribute.PosixFileAttributeView.class) != null) {
                    Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(output));
                }
                Files.writeString(tmp, r.promela(), StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, output, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                    Files.move(tmp, output, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the write's own failure is the one to report
                }
                Main.Streams.err.println("migcheck export: cannot write '" + output + "': " + why(e) + "; nothing written");
                return Main.IO_EXIT;
            }
        } else {
            Main.Streams.out.print(r.promela());
        }
        return summary(r);
    }

    /** The summary on standard error: how exact the states are, what is not expressible; exit 0. */
    private static int summary(PromelaExport.Result r) {
        Main.Streams.err.println("states: " + (r.exact() ? "exact (SPIN's stored states are migcheck's distinct states without reductions:"
                + " check --symmetry off --por off)"
                : "verdict-preserving only") + "; " + r.transitions() + " d_steps from " + r.tableEntries() + " table entries");
        for (String n : r.notExpressible()) {
            Main.Streams.err.println("not expressible: " + n);
        }
        Main.Streams.err.println("check it with: " + r.panCommands("FILE.pml"));
        return 0;
    }

    /** Why a file operation failed: the NIO exceptions carry the path as their message, the reason is their type. */
    private static String why(IOException e) {
        return e instanceof java.nio.file.NoSuchFileException ? "no such file or directory"
                : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null ? fse.getReason()
                : e.getMessage();
    }
}
