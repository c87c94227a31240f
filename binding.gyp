{
  "targets": [
    {
      "target_name": "rtnl_native",
      "sources": ["native/rtnl_native.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter", "-std=gnu11"]
    }
  ]
}
