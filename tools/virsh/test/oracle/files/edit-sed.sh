#!/bin/sh
# Editor for the edit-* cases: applies the sed script $EDIT_SED to the file virsh hands over.
exec sed -i -e "$EDIT_SED" "$1"
