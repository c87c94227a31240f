{
  "targets": [
    {
      "target_name": "rtnl_native",
      "sources": ["native/rtnl_native.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter", "-std=gnu11"]
    }
  ]
}
