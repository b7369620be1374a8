const firebaseConfig = {
  apiKey: "AIza30_nckA7dsPqcFfjuhJIOSrH1rQGtd8G1aG",
  authDomain: "app-9.firebaseapp.com",
  projectId: "app-9",
};
