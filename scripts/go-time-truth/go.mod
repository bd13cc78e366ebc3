module btls/go-time-truth

go 1.22
