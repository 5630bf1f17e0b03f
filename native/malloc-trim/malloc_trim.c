// trim(): give the pages glibc's malloc holds free back to the system (malloc_trim(0)), and say whether any went.
// glibc returns freed memory on its own only from the top of each arena; what sockets and buffers freed in the middle
// stays in the process's RSS (docs/operations.md, "Memory"). Elsewhere (musl, macOS) it does nothing.
#include <limits.h>
#include <node_api.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

static napi_value trim(napi_env env, napi_callback_info info) {
  (void)info;
#ifdef __GLIBC__
  int released = malloc_trim(0);
#else
  int released = 0;
#endif
  napi_value result;
  napi_get_boolean(env, released != 0, &result);
  return result;
}

// fixThresholds(mmapBytes, trimBytes): blocks of at least mmapBytes come from mmap (and go back when freed), and free
// memory of at least trimBytes at the top of an arena goes back at once. glibc raises both as the process frees large
// blocks (up to 32 and 64 MB); set, they stay (as MALLOC_MMAP_THRESHOLD_ and MALLOC_TRIM_THRESHOLD_ set them at start).
static napi_value fixThresholds(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int64_t mmap_bytes = 0, trim_bytes = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2 || napi_get_value_int64(env, argv[0], &mmap_bytes) != napi_ok ||
      napi_get_value_int64(env, argv[1], &trim_bytes) != napi_ok || mmap_bytes <= 0 || trim_bytes <= 0 ||
      mmap_bytes > INT_MAX || trim_bytes > INT_MAX) {
    napi_throw_type_error(env, NULL, "fixThresholds(mmapBytes, trimBytes): positive numbers of bytes");
    return NULL;
  }
  int set = 0;
#ifdef __GLIBC__
  set = mallopt(M_MMAP_THRESHOLD, (int)mmap_bytes) && mallopt(M_TRIM_THRESHOLD, (int)trim_bytes);
#endif
  napi_value result;
  napi_get_boolean(env, set != 0, &result);
  return result;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "trim", NAPI_AUTO_LENGTH, trim, NULL, &fn);
  napi_set_named_property(env, exports, "trim", fn);
  napi_create_function(env, "fixThresholds", NAPI_AUTO_LENGTH, fixThresholds, NULL, &fn);
  napi_set_named_property(env, exports, "fixThresholds", fn);
  return exports;
}
