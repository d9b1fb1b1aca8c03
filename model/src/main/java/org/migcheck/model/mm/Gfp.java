package org.migcheck.model.mm;

/**
 * gfp flag bits as modelled (include/linux/gfp_types.h, v6.19). Only the bits the rules and scenarios
 * read; the values are the model's own, the names the kernel's.
 */
public final class Gfp {
    private Gfp() {}

    public static final int DIRECT_RECLAIM = 1;
    public static final int KSWAPD_RECLAIM = 2;
    public static final int IO = 4;
    public static final int FS = 8;
    /** __GFP_NORETRY: no retry loop and no OOM kill (readahead_gfp_mask adds it). */
    public static final int NORETRY = 16;
    /** __GFP_RETRY_MAYFAIL: retry, but fail rather than OOM-kill. */
    public static final int RETRY_MAYFAIL = 32;
    /** __GFP_THISNODE: this node only; __alloc_pages_may_oom does not kill for it. */
    public static final int THISNODE = 64;
    /** __GFP_ACCOUNT: charge the page to the current task's memcg (__memcg_kmem_charge_page). */
    public static final int ACCOUNT = 128;

    public static final int RECLAIM = DIRECT_RECLAIM | KSWAPD_RECLAIM;
    public static final int KERNEL = RECLAIM | IO | FS;
    public static final int NOFS = RECLAIM | IO;
    public static final int NOIO = RECLAIM;
    public static final int NOWAIT = KSWAPD_RECLAIM;
    /**
     * GFP_TRANSHUGE as far as the modelled bits go: direct reclaim, IO and FS, no __GFP_KSWAPD_RECLAIM
     * (GFP_TRANSHUGE_LIGHT clears __GFP_RECLAIM, GFP_TRANSHUGE adds direct reclaim back); its
     * __GFP_COMP, __GFP_NOMEMALLOC and __GFP_NOWARN are not modelled.
     */
    public static final int TRANSHUGE = DIRECT_RECLAIM | IO | FS;
    /** The bits with which __alloc_pages_slowpath fails instead of invoking the OOM killer. */
    public static final int NO_OOM_KILL = NORETRY | RETRY_MAYFAIL | THISNODE;
    /** Largest value of a gfp variable. */
    public static final int MAX = 255;

    private static final int BASE = RECLAIM | IO | FS;

    /** The kernel's spelling: {@code GFP_KERNEL}, {@code GFP_KERNEL_ACCOUNT}, {@code GFP_NOFS|__GFP_NORETRY}. */
    public static String describe(int gfp) {
        if (gfp == 0) {
            return "none";
        }
        int extra = gfp & ~BASE;
        String base = switch (gfp & BASE) {
            case KERNEL -> "GFP_KERNEL";
            case NOFS -> "GFP_NOFS";
            case NOIO -> "GFP_NOIO";
            case NOWAIT -> "GFP_NOWAIT";
            case TRANSHUGE -> "GFP_TRANSHUGE";
            case 0 -> "";
            default -> "gfp=" + Integer.toBinaryString(gfp & BASE);
        };
        if ((gfp & BASE) == KERNEL && (extra & ACCOUNT) != 0) {
            base = "GFP_KERNEL_ACCOUNT"; // include/linux/gfp_types.h: GFP_KERNEL | __GFP_ACCOUNT
            extra &= ~ACCOUNT;
        }
        StringBuilder b = new StringBuilder(base);
        String[] names = {"__GFP_NORETRY", "__GFP_RETRY_MAYFAIL", "__GFP_THISNODE", "__GFP_ACCOUNT"};
        int[] bits = {NORETRY, RETRY_MAYFAIL, THISNODE, ACCOUNT};
        for (int i = 0; i < bits.length; i++) {
            if ((extra & bits[i]) != 0) {
                b.append(b.length() == 0 ? "" : "|").append(names[i]);
            }
        }
        return b.toString();
    }
}
