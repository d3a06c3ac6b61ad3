"""The syntax layer: tree-sitter documents, blocks, guide markers, outlines and dataflow. Nothing above it."""
