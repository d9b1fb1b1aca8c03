package org.migcheck.checker.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The HTML report's wait-for ring: no two boxes overlap and no arrow's label lies on a box, however many threads wait
 * in the cycle (twelve philosophers on a fixed circle hid each other and their arrows' labels, a review's screenshot).
 */
class RingLayoutTest {
    private static final Pattern RECT = Pattern.compile("<rect x=\"(-?\\d+)\" y=\"(-?\\d+)\" width=\"(\\d+)\" height=\"(\\d+)\"");
    private static final Pattern LABEL = Pattern.compile("<text x=\"(-?\\d+)\" y=\"(-?\\d+)\" text-anchor=\"middle\" font-family=\"monospace\""
            + " font-size=\"12\"[^>]*><title>([^<]*)</title>");

    @Test
    void boxesAndLabelsDoNotOverlapAtAnySize() {
        for (int n = 3; n <= 16; n++) {
            List<String> nodes = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                nodes.add("phil" + k);
                labels.add("waits for fork" + ((k + 1) % n));
            }
            String svg = HtmlRenderer.ring(nodes, labels, "#fee2e2", "#991b1b");
            List<double[]> boxes = new ArrayList<>();
            Matcher r = RECT.matcher(svg);
            while (r.find()) {
                boxes.add(new double[] {num(r, 1), num(r, 2), num(r, 1) + num(r, 3), num(r, 2) + num(r, 4)});
            }
            assertEquals(n, boxes.size(), svg);
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    assertFalse(overlap(boxes.get(i), boxes.get(j)), n + " threads: boxes " + i + " and " + j + " overlap");
                }
            }
            Matcher t = LABEL.matcher(svg);
            int seen = 0;
            while (t.find()) {
                seen++;
                // monospace 12 px: about 7.2 px a character; the baseline at y, the glyphs above it
                double half = 3.6 * t.group(3).length();
                double[] box = {num(t, 1) - half, num(t, 2) - 11, num(t, 1) + half, num(t, 2) + 2};
                for (int i = 0; i < n; i++) {
                    assertFalse(overlap(box, boxes.get(i)), n + " threads: label '" + t.group(3) + "' lies on box " + i);
                }
            }
            assertEquals(n, seen, svg);
        }
    }

    private static double num(Matcher m, int g) {
        return Double.parseDouble(m.group(g));
    }

    private static boolean overlap(double[] a, double[] b) {
        return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
    }
}
