"""Emergency surge staffing: 网格呼叫、街区响应、部门报到."""
