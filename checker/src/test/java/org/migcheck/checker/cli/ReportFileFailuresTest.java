package org.migcheck.checker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.migcheck.checker.cli.OutputOptions.Format;
import picocli.CommandLine;

/**
 * What a report file does where the command cannot be run into it from outside: a move over the target that fails
 * after the text was written beside it, and the watchdog's way out meeting a command that has begun writing its files
 * (ReportFilesTest runs the commands; these take {@link OutputFile} and {@link ReportFiles} on their own).
 */
class ReportFileFailuresTest {

    private static CommandLine.Model.CommandSpec checkSpec() {
        return new CommandLine(new Main()).getSubcommands().get("check").getCommandSpec();
    }

    private static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    /**
     * A directory made at the target after the check (the run takes minutes; another job may): the text is written to a
     * new file beside it, the move over a non-empty directory fails, and that new file is removed, not left behind.
     */
    @Test
    void aMoveThatFailsLeavesNoFileBehind(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("report.json");
        OutputFile f = OutputFile.check(checkSpec(), target.toString(), "--report json=");
        Files.createDirectory(target);
        Files.writeString(target.resolve("kept"), "someone else's", StandardCharsets.UTF_8);
        String failed = f.write("{\"verdict\": \"HOLDS\"}\n");
        assertNotNull(failed);
        assertTrue(failed.endsWith("; nothing written"), failed);
        assertEquals(List.of(target), files(dir), "a temporary file was left beside the target");
        assertEquals("someone else's", Files.readString(target.resolve("kept"), StandardCharsets.UTF_8));
        // and where the move can be made, the same file is written whole, with nothing beside it
        Path other = dir.resolve("other.json");
        assertNull(OutputFile.check(checkSpec(), other.toString(), "--report json=").write("{}\n"));
        assertEquals("{}\n", Files.readString(other, StandardCharsets.UTF_8));
        assertEquals(List.of(other, target), files(dir));
    }

    /**
     * The watchdog writes the files when the command never returns, but not once the command has begun writing them:
     * its INCOMPLETE document must not replace the command's own report.
     */
    @Test
    void theWatchdogDoesNotWriteOverTheCommandsFiles(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("report.json");
        ReportFiles first = new ReportFiles();
        first.given.add("json=" + file);
        first.require(checkSpec(), "", Format.JSON, Format.JUNIT);
        java.util.function.Consumer<String> watchdog = first.onOverrun((format, message) -> "{\"incomplete\": \"" + message + "\"}\n");
        assertEquals(2, first.write(format -> "{\"verdict\": \"DEADLOCK\"}\n", 2));
        watchdog.accept("the model's code did not return");
        assertEquals("{\"verdict\": \"DEADLOCK\"}\n", Files.readString(file, StandardCharsets.UTF_8));
        // a command that had not begun: the watchdog's document is written
        ReportFiles second = new ReportFiles();
        second.given.add("json=" + file);
        second.require(checkSpec(), "", Format.JSON, Format.JUNIT);
        second.onOverrun((format, message) -> "{\"incomplete\": \"" + message + "\"}\n").accept("the model's code did not return");
        assertEquals("{\"incomplete\": \"the model's code did not return\"}\n", Files.readString(file, StandardCharsets.UTF_8));
    }
}
