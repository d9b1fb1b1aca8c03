package org.migcheck.model.mm;

/** gfp flag bits as modelled (include/linux/gfp_types.h). Only the bits the rules and scenarios read. */
public final class Gfp {
    private Gfp() {}

    public static final int DIRECT_RECLAIM = 1;
    public static final int KSWAPD_RECLAIM = 2;
    public static final int IO = 4;
    public static final int FS = 8;
    /** Summary of __GFP_RETRY_MAYFAIL / __GFP_THISNODE / costly order: the allocation never OOM-kills. */
    public static final int NO_OOM = 16;

    public static final int RECLAIM = DIRECT_RECLAIM | KSWAPD_RECLAIM;
    public static final int KERNEL = RECLAIM | IO | FS;
    public static final int NOFS = RECLAIM | IO;
    public static final int NOIO = RECLAIM;
    public static final int NOWAIT = KSWAPD_RECLAIM;
    /** Largest value of a gfp variable. */
    public static final int MAX = 31;

    public static String describe(int gfp) {
        if (gfp == 0) {
            return "none";
        }
        String base = switch (gfp & ~NO_OOM) {
            case KERNEL -> "GFP_KERNEL";
            case NOFS -> "GFP_NOFS";
            case NOIO -> "GFP_NOIO";
            case NOWAIT -> "GFP_NOWAIT";
            default -> "gfp=" + Integer.toBinaryString(gfp & ~NO_OOM);
        };
        return (gfp & NO_OOM) != 0 ? base + "|NO_OOM" : base;
    }
}
