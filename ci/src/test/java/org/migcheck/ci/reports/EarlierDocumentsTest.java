package org.migcheck.ci.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * JSON documents written by earlier versions of migcheck still validate against the schema, which promises as much
 * for every document of schema version 1: keys added since are optional. The documents under
 * src/test/resources/compat were written by the commits their directories name (check, list, mutate and suite
 * documents from the day the schema was published on, each era a key was added or a shape changed); a review of
 * backward compatibility found 11 of these 14 rejected by the schema of the day (reductions, a lock-order path's
 * replay, list's rules and a variant's kind made required after the fact; a change's unchanged removed; a re-check's
 * saturated bounds turned from lines into objects). The documents are as those commits wrote them but for one
 * edit: the list of 2026-12-03 cited a file outside this repository in some references and docs, and those
 * citations are cut (strings only: what the schema checks is unchanged).
 */
class EarlierDocumentsTest {
    private static final Path DIR = Path.of("src", "test", "resources", "compat");

    @BeforeAll
    static void schema() throws Exception {
        ReportFormatsTest.loadSchema();
    }

    @Test
    void everyEarlierDocumentValidates() throws Exception {
        List<Path> docs;
        try (Stream<Path> s = Files.walk(DIR)) {
            docs = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertEquals(14, docs.size(), "the documents kept: " + docs);
        for (Path p : docs) {
            String json = Files.readString(p, StandardCharsets.UTF_8);
            assertTrue(json.contains("\"schemaVersion\""), p + " is no versioned document");
            ReportFormatsTest.assertValid(json);
        }
    }

    /**
     * Replay tokens printed by earlier versions ({@code compat/tokens.tsv}): those of 2026-12-05, and those of
     * 2026-12-03 whose scenario's model has not changed since, replay to the same ending; the 7 of 2026-12-03 whose
     * model has changed are refused as usage errors that say what no longer fits and the likely cause, not
     * replayed to something else.
     */
    @Test
    void tokensOfEarlierVersionsReplayOrAreRefusedNamingTheCause() throws Exception {
        List<String> lines = Files.readAllLines(DIR.resolve("tokens.tsv"), StandardCharsets.UTF_8).stream()
                .filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
        assertEquals(49, lines.size());
        int refused = 0;
        for (String line : lines) {
            String[] f = line.split("\t", -1);
            ReportFormatsTest.Run r = ReportFormatsTest.cli("replay", f[1]);
            assertEquals(Integer.parseInt(f[2]), r.code(), f[0] + " " + f[1] + ": " + r.err());
            if (f[3].startsWith("refused: ")) {
                // the reason first (what no longer fits), then the likely cause
                refused++;
                assertTrue(r.err().startsWith("migcheck replay: token does not fit: " + f[3].substring("refused: ".length())), r.err());
                assertTrue(r.err().contains("a token printed by an earlier version whose model of this scenario has changed since"), r.err());
            } else {
                assertTrue(r.out().contains("ends in: " + f[3]), f[1] + ":\n" + r.out());
            }
        }
        assertEquals(7, refused);
    }
}
