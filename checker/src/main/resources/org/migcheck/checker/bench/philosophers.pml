/*
 * Dining philosophers, the same transition system as migcheck's zoo model philosophers
 * (Zoo.philosophersModel): philosopher i takes fork i then fork i+1 (mod N) with mutex_lock,
 * releases them in reverse order and finishes; ordered: the last philosopher takes the lower
 * fork first. Each migcheck step is one atomic Promela step; a finished philosopher is parked at
 * an end label instead of terminating, so SPIN stores no process-termination states and both
 * tools count the same states (16, 72, 320, 1424, 6336, 28192, 125440 for N = 2..8, ordered).
 * The benchmark substitutes N and ORDERED below.
 */
#define N @N@
#define ORDERED @ORDERED@
#define LEFT _pid
#define RIGHT ((_pid + 1) % N)
#define FIRST ((ORDERED && LEFT > RIGHT) -> RIGHT : LEFT)
#define SECOND ((ORDERED && LEFT > RIGHT) -> LEFT : RIGHT)

byte fork[N];   /* 0: free; i + 1: held by philosopher i */

active [N] proctype phil() {
    atomic { fork[FIRST] == 0 -> fork[FIRST] = _pid + 1 };    /* mutex_lock(first) */
    atomic { fork[SECOND] == 0 -> fork[SECOND] = _pid + 1 };  /* mutex_lock(second) */
    fork[SECOND] = 0;                                         /* mutex_unlock(second) */
    fork[FIRST] = 0;                                          /* mutex_unlock(first) */
end:
    false                                                     /* finished: a valid end state */
}
