"""The room view (``ui.room.view.RoomView``) and its parts."""
