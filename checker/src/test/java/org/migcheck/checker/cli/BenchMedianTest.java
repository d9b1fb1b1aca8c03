package org.migcheck.checker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The medians {@code bench --compare-spin} prints beside the best times. */
class BenchMedianTest {

    @Test
    void medianOfOddAndEvenCountsWhateverTheOrder() {
        assertEquals(2.0, BenchCmd.median(List.of(3.0, 1.0, 2.0)));
        assertEquals(2.5, BenchCmd.median(List.of(4.0, 1.0, 3.0, 2.0)));
        assertEquals(7.0, BenchCmd.median(List.of(7.0)));
        // one slow outlier moves the mean, not the median
        assertEquals(1.1, BenchCmd.median(List.of(1.0, 1.1, 9.0)));
        assertTrue(Double.isNaN(BenchCmd.median(List.of())));
    }
}
