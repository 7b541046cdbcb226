"""tf.data's machinery: Dataset graphs evaluated in Python per session, the iterator ops that
hand their elements to the graph. The public namespace is graphgrad/data/__init__.py."""
