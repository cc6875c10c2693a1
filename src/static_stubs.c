/* static_stubs.c — linked only into the -DASYNCSCAN_STATIC=ON binary. libgit2's static archive refers to GSSAPI
 * (Kerberos "Negotiate" authentication of its HTTP transport), and Debian ships no static GSSAPI library.
 * asyncscan never fetches or pushes: it opens local repositories to read ignore rules, so these functions are
 * never reached; each reports a failure (GSS_S_FAILURE) should that ever change, and libgit2 then treats
 * Negotiate as unavailable. Not part of asyncscan_core: a shared build uses the real library. */
#include <stddef.h>
#include <stdint.h>

#define GSS_S_FAILURE (13u << 16)

void *GSS_C_NT_HOSTBASED_SERVICE = NULL;

uint32_t gss_delete_sec_context(uint32_t *minor, void *ctx, void *token);
uint32_t gss_display_status(uint32_t *minor, uint32_t status, int type, void *mech, uint32_t *more, void *out);
uint32_t gss_import_name(uint32_t *minor, void *buf, void *type, void *name);
uint32_t gss_indicate_mechs(uint32_t *minor, void *mechs);
uint32_t gss_init_sec_context(uint32_t *minor, void *cred, void *ctx, void *name, void *mech, uint32_t flags,
                              uint32_t time, void *bindings, void *in, void *actual, void *out, uint32_t *ret_flags,
                              uint32_t *ret_time);
uint32_t gss_release_buffer(uint32_t *minor, void *buf);
uint32_t gss_release_name(uint32_t *minor, void *name);
uint32_t gss_release_oid_set(uint32_t *minor, void *set);

static uint32_t unavailable(uint32_t *minor)
{
    if (minor) *minor = 0;
    return GSS_S_FAILURE;
}

uint32_t gss_delete_sec_context(uint32_t *minor, void *ctx, void *token)
{
    (void)ctx, (void)token;
    return unavailable(minor);
}

uint32_t gss_display_status(uint32_t *minor, uint32_t status, int type, void *mech, uint32_t *more, void *out)
{
    (void)status, (void)type, (void)mech, (void)out;
    if (more) *more = 0;
    return unavailable(minor);
}

uint32_t gss_import_name(uint32_t *minor, void *buf, void *type, void *name)
{
    (void)buf, (void)type, (void)name;
    return unavailable(minor);
}

uint32_t gss_indicate_mechs(uint32_t *minor, void *mechs)
{
    (void)mechs;
    return unavailable(minor);
}

uint32_t gss_init_sec_context(uint32_t *minor, void *cred, void *ctx, void *name, void *mech, uint32_t flags,
                              uint32_t time, void *bindings, void *in, void *actual, void *out, uint32_t *ret_flags,
                              uint32_t *ret_time)
{
    (void)cred, (void)ctx, (void)name, (void)mech, (void)flags, (void)time, (void)bindings, (void)in, (void)actual;
    (void)out, (void)ret_flags, (void)ret_time;
    return unavailable(minor);
}

uint32_t gss_release_buffer(uint32_t *minor, void *buf)
{
    (void)buf;
    return unavailable(minor);
}

uint32_t gss_release_name(uint32_t *minor, void *name)
{
    (void)name;
    return unavailable(minor);
}

uint32_t gss_release_oid_set(uint32_t *minor, void *set)
{
    (void)set;
    return unavailable(minor);
}
