#define _GNU_SOURCE
#include "CShims.h"
#include <unistd.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <errno.h>
#include <string.h>

extern char **environ;

int cshims_pipe2(int fds[2], int flags) { return pipe2(fds, flags); }
int cshims_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np(actions, path);
}
short cshims_spawn_setsid_flag(void) {
#ifdef POSIX_SPAWN_SETSID
    return POSIX_SPAWN_SETSID;
#else
    return 0;
#endif
}
int cshims_wifexited(int status) { return WIFEXITED(status); }
int cshims_wexitstatus(int status) { return WEXITSTATUS(status); }
int cshims_wifsignaled(int status) { return WIFSIGNALED(status); }
int cshims_wtermsig(int status) { return WTERMSIG(status); }
char **cshims_environ(void) { return environ; }
int cshims_pidfd_open(pid_t pid) {
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    errno = ENOSYS;
    return -1;
#endif
}

void *cshims_memmem(const void *haystack, size_t haystack_len, const void *needle, size_t needle_len) {
    return memmem(haystack, haystack_len, needle, needle_len);
}
