package org.migcheck.checker.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;

/**
 * Text traces: two rows with one label taken in different kernel functions say where each was taken
 * (a reader took migration's two refcount checks for one check made twice); a label repeated in one
 * function, used once, or taken by another thread in its own body is printed as it is.
 */
class RepeatedLabelTest {

    private static Step check(String function, String args) {
        return Step.named(function).args(args).build();
    }

    /** migrator: __buffer_migrate_folio checks the refcount, calls __migrate_folio, which checks it again; then it checks twice in its own body. */
    private static Model model() {
        Model.Builder b = Model.builder("repeated-labels");
        Procedure inner = b.procedure("__migrate_folio");
        inner.body(body -> body.step(check("folio_ref_count", "F")).step(check("folio_mc_copy", "D, F")));
        Procedure outer = b.procedure("__buffer_migrate_folio");
        outer.body(body -> body.step(check("folio_ref_count", "F")).call(inner));
        b.thread("migrator", body -> body.call(outer).step(check("folio_unlock", "F")).step(check("folio_unlock", "F")));
        // another thread takes the same label in its own body: its column tells it apart, no tag
        b.thread("truncate", body -> body.step(check("folio_ref_count", "F")));
        return b.build();
    }

    @Test
    void rowsWithOneLabelInDifferentFunctionsSayWhere() {
        Model m = model();
        Trace t = Trace.replay(m, new int[] {0, 0, 1, 0, 0, 0});
        assertEquals(List.of(
                "folio_ref_count(F) [in __buffer_migrate_folio]",
                "folio_ref_count(F) [in __migrate_folio]",
                "folio_ref_count(F)",
                "folio_mc_copy(D, F)",
                "folio_unlock(F)",
                "folio_unlock(F)"), TextRenderer.shownRows(t));
        String table = TextRenderer.table(t, 120);
        assertTrue(table.contains("folio_ref_count(F) [in __migrate_folio]"), table);
        // the narrow layout prints the same text
        assertTrue(TextRenderer.table(t, 45).replaceAll("\\s+", " ").contains("[in __buffer_migrate_folio]"), TextRenderer.table(t, 45));
    }
}
