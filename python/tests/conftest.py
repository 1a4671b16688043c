# pytester runs small inner test sessions to check the plugin's own behaviour.
pytest_plugins = ["pytester"]
