#ifndef AGENT_MESH_CSHIMS_H
#define AGENT_MESH_CSHIMS_H
/// The few libc facilities Swift's Glibc module hides (GNU extensions and macros).
/// Everything else is called from Swift directly.
#include <sys/types.h>
#include <spawn.h>

/// pipe2(fds, O_CLOEXEC | O_NONBLOCK? ) — flags passed through.
int cshims_pipe2(int fds[2], int flags);
/// posix_spawn_file_actions_addchdir_np (glibc >= 2.29).
int cshims_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);
/// The POSIX_SPAWN_SETSID flag value (glibc extension), 0 when unavailable.
short cshims_spawn_setsid_flag(void);
/// Wait-status decoding (macros in C).
int cshims_wifexited(int status);
int cshims_wexitstatus(int status);
int cshims_wifsignaled(int status);
int cshims_wtermsig(int status);
/// pidfd_open(2): an fd that polls readable when the process exits; -1 with errno on failure.
int cshims_pidfd_open(pid_t pid);
/// The process environment (`environ`).
char **cshims_environ(void);
/// memmem(3) (GNU): the first occurrence of needle in haystack, or NULL.
void *cshims_memmem(const void *haystack, size_t haystack_len, const void *needle, size_t needle_len);
#endif
