package org.migcheck.checker.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    private OutputFile(String shown, Path target, Path dir) {
        this.shown = shown;
        this.target = target;
        this.dir = dir;
    }

    /** The file {@code given}, checked: a usage error naming it if it cannot be written ({@code option} names the option for an empty name). */
    static OutputFile check(CommandLine.Model.CommandSpec spec, Path given, String option) {
        if (given.toString().isEmpty()) {
            throw Args.usage(spec, option + " takes a file name, not an empty one");
        }
        String shown = given.toString();
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
        OutputFile f = new OutputFile(shown, output, dir);
        if (!f.inPlace()) {
            // the text goes to a new file beside the target first: one must be possible now, or the command would run for
            // nothing (for /proc/version, "no such file or directory" alone named the file, which exists)
            try {
                Files.delete(f.newFileBeside());
            } catch (IOException e) {
                throw Args.usage(spec, "cannot write '" + shown + "': no new file can be made in its directory " + dir
                        + (e instanceof java.nio.file.NoSuchFileException ? "" : " (" + why(e) + ")"));
            }
        }
        return f;
    }

    /** The file as the user named it. */
    String shown() {
        return shown;
    }

    /** The file it is written to (through a link). */
    Path target() {
        return target;
    }

    /** A device or a pipe, written in place and never replaced by a file. */
    private boolean inPlace() {
        return Files.exists(target) && !Files.isRegularFile(target);
    }

    /**
     * Writes {@code text} (UTF-8) to the file: null when it is written, else why not, in a few words (the old file then
     * stays as it was).
     */
    String write(String text) {
        if (inPlace()) {
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
            // a file written over keeps its mode
            if (Files.exists(target) && Files.getFileAttributeView(tmp, java.nio.file.attribute.PosixFileAttributeView.class) != null) {
                Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(target));
            }
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
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
     * 14 characters longer than the target's name (a UUID's 42 made names of 214 characters and more too long to write).
     */
    private Path newFileBeside() throws IOException {
        java.security.SecureRandom random = new java.security.SecureRandom();
        for (int tries = 0; ; tries++) {
            try {
                return Files.createFile(dir.resolve(String.format(java.util.Locale.ROOT, ".%s.%08x.tmp", target.getFileName(), random.nextInt())));
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
