package org.migcheck.checker.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * A file a command writes instead of, or besides, standard output ({@code export -o}, {@code --report}). What can be
 * known before the command runs is checked when it is named (a usage error, exit 64, before a search of an hour); the
 * text is written whole or not at all: to a new file beside the target, which then replaces it, so that a write that
 * fails half way (a full disk) leaves the old file as it was, never a truncated report. A device or a pipe
 * ({@code /dev/stdout}, a FIFO) is written in place.
 */
final class OutputFile {
    /** As the user named it, for messages. */
    private final String shown;
    /** Where it is written: through a symbolic link to its target (the link is kept). */
    private final Path target;
    private final Path dir;
    /** 1 or 2 when the file is this process's standard output or error (written through the stream), else 0. */
    private final int fd;
    /** A device or a pipe, written in place and never replaced by a file. */
    private final boolean inPlace;

    private OutputFile(String shown, Path target, Path dir, int fd, boolean inPlace) {
        this.shown = shown;
        this.target = target;
        this.dir = dir;
        this.fd = fd;
        this.inPlace = inPlace;
    }

    /**
     * 1 or 2 when {@code p} is this process's standard output or error (/dev/stdout, /dev/fd/2, or the file either is
     * redirected to), else 0: opening it would truncate what the command writes there, and moving a file over it
     * would unlink it. Known through /proc/self/fd where the system has it.
     */
    private static int standardStream(Path p) {
        for (int fd = 1; fd <= 2; fd++) {
            Path own = Path.of("/proc/self/fd/" + fd);
            try {
                if (Files.exists(p) && Files.exists(own) && Files.isSameFile(p, own)) {
                    return fd;
                }
            } catch (IOException | SecurityException e) {
                // not comparable (no /proc): an ordinary file
            }
        }
        return 0;
    }

    /** The file {@code given}, checked: a usage error naming it if it cannot be written ({@code option} names the option for an empty name). */
    static OutputFile check(CommandLine.Model.CommandSpec spec, String shown, String option) {
        if (shown.isEmpty()) {
            throw Args.usage(spec, option + " takes a file name, not an empty one");
        }
        if (shown.endsWith("/") || shown.endsWith(java.io.File.separator)) {
            // the shell refuses "> out/" too; Path.of drops the slash, and a file named out was written
            throw Args.usage(spec, "cannot write '" + shown + "': a file name, not a directory, is needed");
        }
        Path given;
        try {
            given = Path.of(shown);
        } catch (java.nio.file.InvalidPathException e) {
            throw Args.usage(spec, "cannot write '" + shown + "': not a file name (" + e.getReason() + ")");
        }
        int fd = standardStream(given);
        if (fd != 0 || Files.exists(given) && !Files.isRegularFile(given) && !Files.isDirectory(given)) {
            // standard output or error, a device, a pipe, /dev/fd/N of a process substitution: written in place, through
            // any link (/dev/stdout is a link to /proc/self/fd/1, whose target a pipe does not have as a path)
            return new OutputFile(shown, given, given.toAbsolutePath().getParent(), fd, true);
        }
        Path output = given;
        if (Files.isSymbolicLink(output)) {
            // write where the link points, and keep the link
            try {
                output = output.toRealPath();
            } catch (IOException e) {
                throw Args.usage(spec, "cannot write '" + shown + "': a link to a missing file (" + why(e) + ")");
            }
        }
        Path dir = output.toAbsolutePath().getParent();
        if (Files.isDirectory(output)) {
            throw Args.usage(spec, "cannot write '" + shown + "': it is a directory");
        }
        if (dir == null || !Files.isDirectory(dir)) {
            throw Args.usage(spec, "cannot write '" + shown + "': " + (dir != null && Files.exists(dir)
                    ? dir + " is not a directory" : "no such directory " + dir));
        }
        String read = readByTheCommand(spec, output);
        if (read != null) {
            throw Args.usage(spec, "cannot write '" + shown + "': it is " + read + ", which writing it would replace");
        }
        if (Files.exists(output) && !Files.isWritable(output)) {
            // a file its user may not write (a read-only mode, for anyone but root): refused now, not after the run
            throw Args.usage(spec, "cannot write '" + shown + "': permission denied (the file is read-only)");
        }
        OutputFile f = new OutputFile(shown, output, dir, 0, false);
        // the text goes to a new file beside the target first: one must be possible now, or the command would run for
        // nothing (for /proc/version, "no such file or directory" alone named the file, which exists)
        try {
            Files.delete(f.newFileBeside());
        } catch (IOException e) {
            throw Args.usage(spec, "cannot write '" + shown + "': no new file can be made in its directory " + dir
                    + (e instanceof java.nio.file.NoSuchFileException ? "" : " (" + why(e) + ")"));
        }
        return f;
    }

    /**
     * What the command reads at {@code output}, or null: a --classpath jar, a class file, jar or META-INF entry in a
     * --classpath directory (what class loading and the service lookup read; other files there, such as an earlier
     * report, are not), or migcheck's own jar.
     */
    private static String readByTheCommand(CommandLine.Model.CommandSpec spec, Path output) {
        List<Path> inputs = new ArrayList<>();
        for (String entry : Main.classpath(spec)) {
            try {
                if (!entry.isEmpty()) {
                    inputs.add(Path.of(entry));
                }
            } catch (java.nio.file.InvalidPathException e) {
                // ScenarioRegistry names such an entry
            }
        }
        Path own = ownCode();
        if (own != null) {
            inputs.add(own);
        }
        for (Path input : inputs) {
            try {
                if (!Files.exists(input)) {
                    continue;
                }
                String what = input.equals(own) ? "migcheck's own code (" + input + ")" : "read by --classpath (" + input + ")";
                if (Files.exists(output) && Files.isSameFile(input, output)) {
                    return what;
                }
                if (Files.isDirectory(input)) {
                    Path dir = input.toRealPath();
                    Path real = Files.exists(output) ? output.toRealPath() : output.toAbsolutePath().getParent().toRealPath().resolve(output.getFileName());
                    String name = real.getFileName().toString();
                    if (real.startsWith(dir) && (name.endsWith(".class") || name.endsWith(".jar")
                            || dir.relativize(real).startsWith("META-INF"))) {
                        return what;
                    }
                }
            } catch (IOException | SecurityException e) {
                // not comparable: not the same file
            }
        }
        return null;
    }

    /** The jar (or class directory) migcheck runs from, or null. */
    private static Path ownCode() {
        try {
            java.security.CodeSource src = OutputFile.class.getProtectionDomain().getCodeSource();
            return src == null || src.getLocation() == null ? null : Path.of(src.getLocation().toURI());
        } catch (java.net.URISyntaxException | IllegalArgumentException | SecurityException | java.nio.file.FileSystemNotFoundException e) {
            return null;
        }
    }

    /** The file as the user named it. */
    String shown() {
        return shown;
    }

    /** The file it is written to (through a link). */
    Path target() {
        return target;
    }

    /** True for a device, a pipe or a standard stream, which is written in place. */
    boolean inPlace() {
        return inPlace;
    }

    /**
     * The file's identity for telling two names of one file apart: its directory through every link (real path) and its
     * name, or the file's own real path when it exists (a hard link's other name is told by {@link #same}).
     */
    Path key() {
        try {
            return Files.exists(target) ? target.toRealPath() : dir.toRealPath().resolve(target.getFileName());
        } catch (IOException e) {
            return target.toAbsolutePath().normalize();
        }
    }

    /** True when this file and {@code other} are one file (two names, links, or one path). */
    boolean same(OutputFile other) {
        if (key().equals(other.key())) {
            return true;
        }
        try {
            return Files.exists(target) && Files.exists(other.target) && Files.isSameFile(target, other.target);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Writes {@code text} (UTF-8) to the file: null when it is written, else why not, in a few words (the old file then
     * stays as it was).
     */
    String write(String text) {
        if (fd != 0) {
            // after what the command wrote there, as the user asked: through the stream, never reopened (truncated)
            // as UTF-8, as a file gets it, whatever the locale's charset the stream writes text in
            java.io.PrintStream stream = fd == 1 ? Main.Streams.out : Main.Streams.err;
            stream.flush();
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            stream.write(bytes, 0, bytes.length);
            stream.flush();
            return stream.checkError() ? "the standard " + (fd == 1 ? "output" : "error") + " could not be written" : null;
        }
        if (inPlace) {
            try {
                Files.writeString(target, text, StandardCharsets.UTF_8);
                return null;
            } catch (IOException e) {
                return why(e);
            }
        }
        Path tmp;
        try {
            tmp = newFileBeside();
        } catch (IOException e) {
            return "no new file can be made in its directory " + dir + " (" + why(e) + ")";
        }
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            // a file written over keeps its mode (set after the write: a read-only mode would refuse it)
            if (Files.exists(target) && Files.getFileAttributeView(tmp, java.nio.file.attribute.PosixFileAttributeView.class) != null) {
                Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(target));
            }
            try {
                Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            return null;
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the write's own failure is the one to report
            }
            return why(e) + "; nothing written";
        }
    }

    /**
     * A new empty file beside the target, with a name no other process has (created exclusively) and the mode a new
     * file gets here: the umask's (createTempFile's is rw-------, and setting rw-r--r-- after it ignored a umask of 077);
     * 14 characters longer than the target's name, whose first 200 bytes it keeps (a UUID's 42 made names of 214
     * characters and more too long to write; a name of 242 bytes and more left no room for the 14).
     */
    private Path newFileBeside() throws IOException {
        java.security.SecureRandom random = new java.security.SecureRandom();
        String name = target.getFileName().toString();
        while (name.getBytes(StandardCharsets.UTF_8).length > 200) {
            name = name.substring(0, name.offsetByCodePoints(name.length(), -1));
        }
        for (int tries = 0; ; tries++) {
            try {
                return Files.createFile(dir.resolve(String.format(java.util.Locale.ROOT, ".%s.%08x.tmp", name, random.nextInt())));
            } catch (java.nio.file.FileAlreadyExistsException taken) {
                if (tries == 20) {
                    throw taken;
                }
            }
        }
    }

    /** Why a file operation failed: the NIO exceptions carry the path as their message, the reason is their type. */
    static String why(IOException e) {
        return e instanceof java.nio.file.NoSuchFileException ? "no such file or directory"
                : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null ? fse.getReason()
                : e.getMessage();
    }
}
